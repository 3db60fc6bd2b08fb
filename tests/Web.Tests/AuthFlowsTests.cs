using Moltnet.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.Web.Tests;

public sealed class AuthFlowsTests
{
    private static MoltnetConfig Config(string mode, string registration = RegistrationModes.Disabled, bool publicRead = false,
        LimitsSection? limits = null, IReadOnlyList<string>? proxies = null, IReadOnlyList<string>? origins = null) => new()
    {
        Server = new ServerSection { ListenAddr = "127.0.0.1:0", TrustedProxies = proxies ?? [], AllowedOrigins = origins ?? [] },
        Storage = new StorageSection { Kind = StorageKinds.Memory },
        Limits = limits ?? new LimitsSection(),
        Auth = new AuthSection
        {
            Mode = mode,
            PublicRead = publicRead || mode == AuthModes.Open,
            AgentRegistration = mode == AuthModes.Open ? RegistrationModes.Open : registration,
            Tokens =
            [
                new TokenConfig { Id = "ops", Value = "admin-token", Scopes = [Scopes.Admin, Scopes.Write, Scopes.Observe] },
                new TokenConfig { Id = "att", Value = "attach-token", Scopes = [Scopes.Attach] },
                new TokenConfig { Id = "att2", Value = "attach-token-2", Scopes = [Scopes.Attach] },
            ],
        },
    };

    [Fact]
    public async Task Registration_is_idempotent_per_credential_and_conflicts_across_credentials()
    {
        await using var s = await TestServer.StartAsync(Config(AuthModes.Bearer, RegistrationModes.Token));
        var first = await s.ClientWithToken("attach-token").Post("/v1/agents/register", """{"requested_agent_id":"alpha","name":"Alpha"}""");
        Assert.Equal(201, (int)first.Status);
        Assert.Equal("molt://local/agents/alpha", (string?)first.Body!["actor_uri"]);
        Assert.Null(first.Body["agent_token"]);
        Assert.Null(first.Body["credential_key"]);
        var again = await s.ClientWithToken("attach-token").Post("/v1/agents/register", """{"requested_agent_id":"alpha"}""");
        Assert.Equal(200, (int)again.Status);
        Assert.Equal((string?)first.Body["actor_uid"], (string?)again.Body!["actor_uid"]);
        Assert.Equal("Alpha", (string?)again.Body["display_name"]);
        (await s.ClientWithToken("attach-token-2").Post("/v1/agents/register", """{"requested_agent_id":"alpha"}"""))
            .AssertError(409, "conflict", "agent \"alpha\" is already registered with different credentials");
        var byAdmin = await s.ClientWithToken("admin-token").Post("/v1/agents/register", """{"requested_agent_id":"alpha"}""");
        Assert.Equal(200, (int)byAdmin.Status);
        (await s.ClientWithToken("attach-token").Post("/v1/agents/register", """{"requested_agent_id":"-bad"}""")).AssertError(422, "unprocessable_entity");
    }

    [Fact]
    public async Task Omitted_ids_become_slugs_with_suffixes_on_collision()
    {
        await using var s = await TestServer.StartAsync(Config(AuthModes.Bearer, RegistrationModes.Token));
        var c = s.ClientWithToken("attach-token");
        Assert.Equal("research-bot-2", (string?)(await c.Post("/v1/agents/register", """{"name":"  Research Bot #2!"}""")).Body!["agent_id"]);
        Assert.Equal("agent", (string?)(await c.Post("/v1/agents/register", """{"name":"***"}""")).Body!["agent_id"]);
        Assert.Matches("^agent-[0-9a-f]{8}$", (string?)(await c.Post("/v1/agents/register", """{}""")).Body!["agent_id"]);
    }

    [Fact]
    public async Task Disabled_registration_needs_an_admin()
    {
        await using var s = await TestServer.StartAsync(Config(AuthModes.Bearer));
        (await s.ClientWithToken("attach-token").Post("/v1/agents/register", """{"requested_agent_id":"a"}""")).AssertError(403, "forbidden");
        Assert.Equal(201, (int)(await s.ClientWithToken("admin-token").Post("/v1/agents/register", """{"requested_agent_id":"a"}""")).Status);
    }

    [Fact]
    public async Task Open_mode_mints_tokens_once_and_requires_registration_to_send()
    {
        await using var s = await TestServer.StartAsync(Config(AuthModes.Open));
        await s.ClientWithToken("admin-token").Post("/v1/rooms", """{"id":"lobby","visibility":"public","write_policy":"registered_agents"}""");
        var msg = """{"target":{"kind":"room","room_id":"lobby"},"from":{"type":"agent","id":"newbie"},"parts":[{"kind":"text","text":"hi"}]}""";
        (await s.Client.Post("/v1/messages", msg)).AssertError(401, "unauthorized", "agent \"newbie\" must be registered before sending");
        var claim = await s.Client.Post("/v1/agents/register", """{"requested_agent_id":"newbie"}""");
        Assert.Equal(201, (int)claim.Status);
        var token = (string)claim.Body!["agent_token"]!;
        (await s.Client.Post("/v1/agents/register", """{"requested_agent_id":"newbie"}""")).AssertError(409, "conflict", "agent \"newbie\" is already registered");
        (await s.Client.Post("/v1/messages", msg)).AssertError(401, "unauthorized", "agent \"newbie\" requires its agent token");
        var agent = s.ClientWithToken(token);
        Assert.Equal(202, (int)(await agent.Post("/v1/messages", msg)).Status); // registered_agents: its own registered agent
        (await agent.Post("/v1/messages", msg.Replace("newbie", "someone-else", StringComparison.Ordinal))).AssertError(409, "conflict");
        (await agent.Get("/v1/dms")).AssertError(403, "forbidden");
        Assert.Equal(200, (int)(await s.ClientWithToken("admin-token").Delete("/v1/agents/newbie")).Status);
        (await agent.Post("/v1/messages", msg)).AssertError(401, "unauthorized", "invalid token");
    }

    [Fact]
    public async Task Public_read_shows_only_public_rooms_on_every_read_route_and_stream()
    {
        await using var s = await TestServer.StartAsync(Config(AuthModes.Bearer, publicRead: true));
        var admin = s.ClientWithToken("admin-token");
        await admin.Post("/v1/rooms", """{"id":"pub","visibility":"public","members":["a"]}""");
        await admin.Post("/v1/rooms", """{"id":"priv","members":["b"]}""");
        await using var sse = await SseClient.ConnectAsync(s.Client);
        Assert.Equal(200, sse.Status);
        foreach (var room in new[] { "priv", "pub" })
            await admin.Post("/v1/messages", $$"""{"id":"in-{{room}}","target":{"kind":"room","room_id":"{{room}}"},"from":{"type":"agent","id":"x"},"parts":[{"kind":"text","text":"t"}]}""");
        await admin.Post("/v1/messages", """{"target":{"kind":"dm","dm_id":"d","participant_ids":["x","y"]},"from":{"type":"agent","id":"x"},"parts":[{"kind":"text","text":"t"}]}""");
        await admin.Post("/v1/messages", """{"id":"last","target":{"kind":"room","room_id":"pub"},"from":{"type":"agent","id":"x"},"parts":[{"kind":"text","text":"t"}]}""");
        var frames = await sse.CollectAsync(2);
        Assert.Equal([Ids.MessageEventId("in-pub"), Ids.MessageEventId("last")], frames.Select(f => f.Id!).ToArray());

        Assert.Equal(200, (int)(await s.Client.Get("/v1/rooms/pub/messages")).Status);
        (await s.Client.Get("/v1/rooms/priv/messages")).AssertError(403, "forbidden");
        (await s.Client.Get("/v1/rooms/priv/threads")).AssertError(403, "forbidden");
        Assert.Equal(["a"], (await s.Client.Get("/v1/agents")).Body!["agents"]!.AsArray().Select(a => (string)a!["id"]!).ToArray());
        (await s.Client.Get("/v1/agents/b")).AssertError(404, "not_found");
        (await s.Client.Get("/v1/dms")).AssertError(401, "unauthorized");
        (await s.Client.Get("/v1/artifacts?room_id=pub")).AssertError(401, "unauthorized");
    }

    [Fact]
    public async Task Console_bootstrap_sets_an_httponly_cookie_and_strips_the_token()
    {
        await using var s = await TestServer.StartAsync(Config(AuthModes.Bearer, proxies: ["127.0.0.1"]));
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(s.Url) };
        var res = await noRedirect.GetAsync("/console/?access_token=admin-token&room=x");
        Assert.Equal(307, (int)res.StatusCode);
        Assert.Equal("/console/?room=x", res.Headers.Location!.ToString());
        var cookie = res.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("moltnet_auth=admin-token", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);

        using var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/console?access_token=admin-token");
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        var secure = await noRedirect.SendAsync(viaProxy);
        Assert.Contains("secure", secure.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Forwarded_proto_from_an_untrusted_peer_is_ignored()
    {
        await using var s = await TestServer.StartAsync(Config(AuthModes.Bearer));
        using var c = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(s.Url) };
        using var req = new HttpRequestMessage(HttpMethod.Get, "/console/?access_token=admin-token");
        req.Headers.Add("X-Forwarded-Proto", "https");
        Assert.DoesNotContain("secure", (await c.SendAsync(req)).Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Streams_refuse_foreign_browser_origins()
    {
        await using var s = await TestServer.StartAsync(Config(AuthModes.None, origins: ["https://console.example.com"]));
        foreach (var (origin, status) in new[] { ("https://console.example.com", 200), ("http://evil.example", 403), ("", 200) })
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream");
            if (origin.Length > 0) req.Headers.Add("Origin", origin);
            using var res = await s.Client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(status, (int)res.StatusCode);
        }
    }

    [Fact]
    public async Task Registration_is_rate_limited_with_retry_after()
    {
        await using var s = await TestServer.StartAsync(Config(AuthModes.Bearer, RegistrationModes.Token, limits: new LimitsSection { RegisterPerMinute = 2 }));
        var c = s.ClientWithToken("attach-token");
        for (var i = 0; i < 2; i++) Assert.Equal(201, (int)(await c.Post("/v1/agents/register", $$"""{"requested_agent_id":"r{{i}}"}""")).Status);
        var limited = await c.Post("/v1/agents/register", """{"requested_agent_id":"r9"}""");
        limited.AssertError(429, "too_many_requests");
        Assert.True(int.Parse(limited.Response.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Equal(404, (int)(await s.ClientWithToken("admin-token").Get("/v1/agents/r9")).Status);
    }

    [Fact]
    public async Task Apply_reconciles_rooms_and_binds_agents_after_validating_everything()
    {
        await using var s = await TestServer.StartAsync(Config(AuthModes.Bearer, RegistrationModes.Token));
        var admin = s.ClientWithToken("admin-token");
        await admin.Post("/v1/rooms", """{"id":"r","members":["x","y"]}""");
        (await admin.Post("/v1/apply", """{"network_id":"other"}""")).AssertError(422, "unprocessable_entity");
        (await admin.Post("/v1/apply", """{"agents":[{"id":"a","credential_key":""}]}""")).AssertError(422, "unprocessable_entity");
        (await admin.Post("/v1/apply", """{"agents":[{"id":"a","credential_key":"token:att"},{"id":"a","credential_key":"token:att2"}],"rooms":[{"id":"new"}]}"""))
            .AssertError(422, "unprocessable_entity");
        (await admin.Get("/v1/rooms/new")).AssertError(404, "not_found");
        var applied = await admin.Post("/v1/apply", """{"network_id":"local","agents":[{"id":"a","name":"A","credential_key":"token:att"}],"rooms":[{"id":"r","name":"Renamed","members":["z"]},{"id":"new"}]}""");
        Assert.Equal(200, (int)applied.Status);
        Assert.True((bool)applied.Body!["applied"]!);
        Assert.Equal("""["z"]""", (await admin.Get("/v1/rooms/r")).Body!["members"]!.ToJsonString());
        Assert.Equal("Renamed", (string?)(await admin.Get("/v1/rooms/r")).Body!["name"]);
        Assert.Equal(200, (int)(await s.ClientWithToken("attach-token").Post("/v1/agents/register", """{"requested_agent_id":"a"}""")).Status);
    }
}
