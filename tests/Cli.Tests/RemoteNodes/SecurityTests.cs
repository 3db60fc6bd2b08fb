using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Moltnet.Cli.Tests.RemoteNodes;

/// <summary>Revocation, node identity, the exec permission, conversation selection and the node-side policy.</summary>
[Collection(RemoteNodeCollection.Name)]
public sealed class SecurityTests(RemoteNodeFixture f) : RemoteNodeTestBase(f)
{
    [Fact]
    public async Task Revoke_during_a_running_command_disconnects_the_node_within_one_second()
    {
        var (node, id, _) = await StartNodeAsync("revoke-box");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/exec")
        {
            Content = RemoteNodeFixture.Json(new JsonObject { ["node"] = id, ["command"] = "echo running; sleep 60" }.ToJsonString()),
        };
        using var response = await F.Runner.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await reader.ReadLineAsync(); // started
        Assert.Equal("running\n", (string?)JsonNode.Parse((await reader.ReadLineAsync())!)!["data"]);

        var clock = Stopwatch.StartNew();
        using var revoke = await F.Admin.PostAsync($"/v1/nodes/{id}/revoke", RemoteNodeFixture.Json("{}"));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await NextNodeEventAsync("node.disconnected", id, () => node.Output, TimeSpan.FromSeconds(5));
        var result = JsonNode.Parse((await reader.ReadLineAsync())!)!["result"]!;
        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"revoke took {clock.Elapsed.TotalMilliseconds:0} ms to disconnect");
        Assert.Contains("token revoked", (string?)result["error"], StringComparison.Ordinal);

        // The node's reconnect is refused and it stops with the authentication exit code (78), not a restart loop.
        Assert.Equal(78, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var described = JsonNode.Parse(await F.Admin.GetStringAsync($"/v1/nodes/{id}"))!;
        Assert.Equal((false, true), ((bool)described["connected"]!, (bool)described["revoked"]!));
        using var again = await F.Runner.PostAsync("/v1/exec", RemoteNodeFixture.Json($$"""{"node":"{{id}}","command":"true"}"""));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var twice = await F.CliAsync(RemoteNodeFixture.AdminToken, "node", "revoke", id);
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("already revoked", twice.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_cannot_claim_another_nodes_id()
    {
        var (victim, _) = await F.GenerateTokenAsync("victim");
        var (_, attackerToken) = await F.GenerateTokenAsync("attacker");
        await using var node = NodeProcess.Start(GatewayUrl, attackerToken, "attacker", nodeId: victim);
        Assert.Equal(78, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("FORBIDDEN", node.Output, StringComparison.Ordinal);
        Assert.False((bool)JsonNode.Parse(await F.Admin.GetStringAsync($"/v1/nodes/{victim}"))!["connected"]!);
    }

    [Fact]
    public async Task Exec_needs_the_exec_scope_which_admin_does_not_imply()
    {
        var (_, id, token) = await StartNodeAsync("perm-box");
        var body = $$"""{"node":"{{id}}","command":"echo nope"}""";
        using var admin = await F.Admin.PostAsync("/v1/exec", RemoteNodeFixture.Json(body));
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        using var anonymous = F.Client(null);
        using var none = await anonymous.PostAsync("/v1/exec", RemoteNodeFixture.Json(body));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        // A device token is no API credential at all.
        using var device = F.Client(token);
        using var asNode = await device.GetAsync("/v1/nodes");
        Assert.Equal(HttpStatusCode.Unauthorized, asNode.StatusCode);
        // Only admins create tokens.
        using var runnerToken = await F.Runner.PostAsync("/v1/nodes/tokens", RemoteNodeFixture.Json("{}"));
        Assert.Equal(HttpStatusCode.Forbidden, runnerToken.StatusCode);
    }

    [Fact]
    public async Task A_conversations_selected_node_runs_its_exec_and_an_offline_selection_never_falls_back()
    {
        var (node, id, _) = await StartNodeAsync("selected-box");
        using var none = await F.Runner.PostAsync("/v1/exec", RemoteNodeFixture.Json("""{"conversation_id":"room:research","command":"true"}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, none.StatusCode);

        var select = await F.CliAsync(RemoteNodeFixture.ExecToken, "node", "select", "--conversation", "room:research", "--node", "selected-box");
        Assert.True(select.ExitCode == 0, select.ToString());
        var (_, result) = await ExecAsync(F.Runner, new JsonObject { ["conversation_id"] = "room:research", ["command"] = "echo via-selection" });
        Assert.Equal(("via-selection\n", id), ((string?)result["stdout"], (string?)result["node_id"]));

        await node.DisposeAsync();
        await NextNodeEventAsync("node.disconnected", id);
        using var offline = await F.Runner.PostAsync("/v1/exec", RemoteNodeFixture.Json("""{"conversation_id":"room:research","command":"true"}"""));
        Assert.Equal(HttpStatusCode.Conflict, offline.StatusCode);
        Assert.Contains("is not connected", await offline.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(0, (await F.CliAsync(RemoteNodeFixture.ExecToken, "node", "select", "--conversation", "room:research", "--clear")).ExitCode);
        using var bad = await F.Runner.PutAsync("/v1/nodes/selection", RemoteNodeFixture.Json("""{"conversation_id":"room:../x","node_id":"selected-box"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task The_node_policy_refuses_what_it_does_not_allow_and_the_server_only_shows_it()
    {
        using var root = new global::Moltnet.TestSupport.TempDirectory();
        var policy = $$"""{"mode":"allowlist","allowlist":["echo","pwd"],"working_dir_roots":["{{root.Path}}"]}""";
        var (_, id, _) = await StartNodeAsync("policy-box", policy, workingDir: root.Path);

        var (_, ok) = await ExecAsync(F.Runner, new JsonObject { ["node"] = id, ["command"] = "echo allowed" });
        Assert.Equal("allowed\n", (string?)ok["stdout"]);
        var (_, refused) = await ExecAsync(F.Runner, new JsonObject { ["node"] = id, ["command"] = "cat /etc/passwd" });
        Assert.Contains("not in the node policy allowlist", (string?)refused["error"], StringComparison.Ordinal);
        var (_, chained) = await ExecAsync(F.Runner, new JsonObject { ["node"] = id, ["command"] = "echo a; cat /etc/passwd" });
        Assert.Contains("shell operators", (string?)chained["error"], StringComparison.Ordinal);
        var (_, outside) = await ExecAsync(F.Runner, new JsonObject { ["node"] = id, ["command"] = "pwd", ["cwd"] = "/" });
        Assert.Contains("outside the node policy", (string?)outside["error"], StringComparison.Ordinal);
        Assert.Equal("", (string?)outside["stdout"]);

        var described = await F.CliAsync(RemoteNodeFixture.ExecToken, "node", "describe", "policy-box");
        var shown = JsonNode.Parse(described.Stdout)!["policy"]!;
        Assert.Equal(("allowlist", root.Path), ((string?)shown["mode"], (string?)shown["working_dir_roots"]![0]));
    }

    [Fact]
    public async Task The_gateway_closes_a_socket_whose_first_frame_is_not_connect_or_whose_token_is_unknown()
    {
        foreach (var first in new[]
        {
            """{"type":"req","id":"1","method":"node.event","params":{}}""",
            """{"type":"req","id":"1","method":"connect","params":{"protocol":{"min":4,"max":4},"auth":{"deviceToken":"mdt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}}""",
            """{"type":"req","id":"1","method":"connect","params":{"protocol":{"min":2,"max":3}}}""",
        })
        {
            using var ws = new ClientWebSocket();
            await ws.ConnectAsync(new Uri(GatewayUrl), CancellationToken.None);
            await ws.SendAsync(Encoding.UTF8.GetBytes(first), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[4096];
            var answer = await ws.ReceiveAsync(buffer, CancellationToken.None);
            var frame = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, answer.Count))!;
            Assert.False((bool)frame["ok"]!);
            Assert.Contains((string?)frame["error"]!["code"], new[] { "PROTOCOL_ERROR", "UNAUTHORIZED" });
            var close = await ws.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        }
    }

    [Fact]
    public async Task The_skill_teaches_remote_nodes_only_to_callers_with_the_exec_scope()
    {
        var runner = await F.Runner.GetStringAsync("/skill.md");
        Assert.Contains("## Remote nodes", runner, StringComparison.Ordinal);
        Assert.Contains("moltnet node select --conversation room:<id> --node <node>", runner, StringComparison.Ordinal);
        Assert.Contains("moltnet node exec --conversation room:<id> -- <command>", runner, StringComparison.Ordinal);
        Assert.DoesNotContain("## Remote nodes", await F.Admin.GetStringAsync("/skill.md"), StringComparison.Ordinal);
    }
}
