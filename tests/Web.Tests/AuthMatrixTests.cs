using System.Net.Http.Headers;
using System.Text;
using Moltnet.Configuration;

namespace Moltnet.Web.Tests;

/// <summary>Every route × every kind of credential, in bearer mode with open registration, asserting the spec's status.</summary>
public sealed class AuthMatrixTests
{
    private static readonly string[] Kinds = ["none", "invalid", "observe", "write", "admin", "attach", "pair", "agent", "cookie", "cookieX"];

    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["observe"] = "sec-observe-1111", ["write"] = "sec-write-2222", ["admin"] = "sec-admin-3333",
        ["attach"] = "sec-attach-4444", ["pair"] = "sec-pair-5555",
    };

    // Expected status per kind, in the order of Kinds.
    private static readonly (string Method, string Path, string? Body, int[] Expect)[] Routes =
    [
        ("GET", "/healthz", null, [200, 401, 200, 200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/v1/network", null, [401, 401, 200, 403, 200, 200, 200, 200, 200, 200]),
        ("GET", "/v1/rooms", null, [401, 401, 200, 403, 200, 403, 200, 403, 200, 200]),
        ("GET", "/v1/rooms/r", null, [401, 401, 200, 403, 200, 403, 403, 403, 200, 200]),
        ("GET", "/v1/rooms/r/messages", null, [401, 401, 200, 403, 200, 403, 403, 403, 200, 200]),
        ("GET", "/v1/rooms/r/threads", null, [401, 401, 200, 403, 200, 403, 403, 403, 200, 200]),
        ("GET", "/v1/agents", null, [401, 401, 200, 403, 200, 403, 200, 403, 200, 200]),
        ("GET", "/v1/agents/gamma", null, [401, 401, 200, 403, 200, 403, 403, 403, 200, 200]),
        ("GET", "/v1/dms", null, [401, 401, 200, 403, 200, 403, 403, 403, 200, 200]),
        ("GET", "/v1/artifacts?room_id=r", null, [401, 401, 200, 403, 200, 403, 403, 403, 200, 200]),
        ("POST", "/v1/rooms", """{"id":"new-{k}"}""", [401, 401, 403, 403, 201, 403, 403, 403, 201, 403]),
        ("PATCH", "/v1/rooms/r/members", """{"add":["m-{k}"]}""", [401, 401, 403, 403, 200, 403, 403, 403, 200, 403]),
        ("DELETE", "/v1/agents/delagent-{k}", null, [401, 401, 403, 403, 200, 403, 403, 403, 200, 403]),
        ("DELETE", "/v1/rooms/del-{k}", null, [401, 401, 403, 403, 200, 403, 403, 403, 200, 403]),
        ("POST", "/v1/apply", """{"rooms":[{"id":"applied-{k}"}]}""", [401, 401, 403, 403, 200, 403, 403, 403, 200, 403]),
        ("POST", "/v1/messages", """{"target":{"kind":"room","room_id":"r"},"from":{"type":"agent","id":"gamma"},"parts":[{"kind":"text","text":"x"}]}""",
            [401, 401, 403, 202, 403, 403, 403, 409, 403, 403]),
        ("POST", "/v1/agents/register", """{"requested_agent_id":"reg-{k}"}""", [201, 401, 403, 403, 201, 201, 403, 409, 201, 403]),
        ("GET", "/v1/events/stream", null, [401, 401, 200, 403, 200, 403, 403, 403, 200, 403]),
        ("GET", "/v1/cluster", null, [401, 401, 403, 403, 200, 403, 403, 403, 200, 200]),
    ];

    [Fact]
    public async Task Every_route_answers_each_credential_with_the_spec_status_and_no_secret_leaks()
    {
        await using var s = await TestServer.StartAsync(new MoltnetConfig
        {
            Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
            Storage = new StorageSection { Kind = StorageKinds.Memory },
            Auth = new AuthSection
            {
                Mode = AuthModes.Bearer,
                AgentRegistration = RegistrationModes.Open,
                Tokens = Secrets.Select(kv => new TokenConfig { Id = kv.Key, Value = kv.Value, Scopes = [kv.Key] }).ToList(),
            },
        });
        var admin = s.ClientWithToken(Secrets["admin"]);
        await admin.Post("/v1/rooms", """{"id":"r","members":["gamma"]}""");
        foreach (var k in Kinds)
        {
            await admin.Post("/v1/rooms", $$"""{"id":"del-{{k}}","members":["delagent-{{k}}"]}""");
        }
        var bot = await s.Client.Post("/v1/agents/register", """{"requested_agent_id":"bot","name":"Bot"}""");
        Assert.Equal(201, (int)bot.Status);
        var agentToken = (string)bot.Body!["agent_token"]!;
        Assert.StartsWith("magt_v1_", agentToken, StringComparison.Ordinal);

        var bodies = new StringBuilder();
        var failures = new List<string>();
        foreach (var (method, path, body, expect) in Routes)
        {
            for (var i = 0; i < Kinds.Length; i++)
            {
                var k = Kinds[i];
                using var req = new HttpRequestMessage(new HttpMethod(method), path.Replace("{k}", k, StringComparison.Ordinal));
                if (body is not null) req.Content = new StringContent(body.Replace("{k}", k, StringComparison.Ordinal), Encoding.UTF8, "application/json");
                Authorize(req, k, agentToken, s.Url);
                using var res = await s.Client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
                if ((int)res.StatusCode != expect[i]) failures.Add($"{method} {path} as {k}: expected {expect[i]}, got {(int)res.StatusCode}");
                if (path != "/v1/events/stream") bodies.AppendLine(await res.Content.ReadAsStringAsync());
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        var logs = string.Join("\n", s.Logs.Lines);
        foreach (var secret in Secrets.Values.Append(agentToken))
        {
            Assert.DoesNotContain(secret, bodies.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }

    private static void Authorize(HttpRequestMessage req, string kind, string agentToken, string url)
    {
        switch (kind)
        {
            case "none":
                break;
            case "invalid":
                req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
                break;
            case "agent":
                req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agentToken);
                break;
            case "cookie":
                req.Headers.Add("Cookie", $"moltnet_auth={Secrets["admin"]}");
                req.Headers.Add("Origin", url);
                break;
            case "cookieX":
                req.Headers.Add("Cookie", $"moltnet_auth={Secrets["admin"]}");
                req.Headers.Add("Origin", "http://evil.example");
                break;
            default:
                req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Secrets[kind]);
                break;
        }
    }
}
