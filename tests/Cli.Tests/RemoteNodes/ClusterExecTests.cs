using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests.RemoteNodes;

[CollectionDefinition(Name)]
public sealed class RemoteNodePostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "remote nodes on postgres";
}

/// <summary>Two real <c>moltnet start</c> replicas on one real PostgreSQL: a node connected to replica A runs a command
/// sent to replica B (routed over the cluster bus), and a revoke sent to B disconnects it from A.</summary>
[Collection(RemoteNodePostgresCollection.Name)]
public sealed class ClusterExecTests(PostgresCluster pg)
{
    [PostgresFact]
    public async Task Exec_sent_to_replica_B_reaches_a_node_connected_to_replica_A()
    {
        var dsn = await pg.CreateDatabaseAsync();
        using var dirA = new TempDirectory();
        using var dirB = new TempDirectory();
        var config = $$"""
            version: moltnet.v1
            network: { id: local, name: Cluster Net }
            auth:
              mode: bearer
              tokens:
                - { id: ops, value: ops-secret, scopes: [admin, observe] }
                - { id: runner, value: runner-secret, scopes: [exec, observe] }
            storage: { kind: postgres, postgres: { dsn: "{{dsn}}" } }

            """;
        dirA.Write("Moltnet", config);
        dirB.Write("Moltnet", config);
        await using var a = await ServerProcess.StartAsync(dirA.Path, new Dictionary<string, string?> { ["MOLTNET_REPLICA_ID"] = "ra" });
        await using var b = await ServerProcess.StartAsync(dirB.Path, new Dictionary<string, string?> { ["MOLTNET_REPLICA_ID"] = "rb" });
        a.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "ops-secret");
        b.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "runner-secret");

        using var created = await a.Client.PostAsync("/v1/nodes/tokens", RemoteNodeFixture.Json("""{"name":"far-box"}"""));
        var token = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var id = (string)token["node_id"]!;
        await using var events = await SseClient.ConnectAsync(a.Client);
        await using var node = NodeProcess.Start(a.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws", (string)token["device_token"]!, "far-box", id);
        await events.CollectAsync(1, e => e.Event == "node.connected", TimeSpan.FromSeconds(30));
        var described = JsonNode.Parse(await b.Client.GetStringAsync($"/v1/nodes/{id}"))!;
        Assert.Equal("ra", (string?)described["replica_id"]);

        using var response = await b.Client.PostAsync("/v1/exec", RemoteNodeFixture.Json(
            new JsonObject { ["node"] = id, ["command"] = "echo from-a; echo warn >&2; head -c 9000 /dev/zero | tr '\\0' x; exit 5" }.ToJsonString()));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var result = lines[^1]["result"]!;
        Assert.Equal((5, id), ((int)result["exit_code"]!, (string?)result["node_id"]));
        Assert.Equal("from-a\n" + new string('x', 9000), (string?)result["stdout"]);
        Assert.Equal("warn\n", (string?)result["stderr"]);
        var streamed = string.Concat(lines.Where(l => (string?)l["type"] == "chunk" && (string?)l["stream"] == "stdout").Select(l => (string?)l["data"]));
        Assert.Equal((string?)result["stdout"], streamed);

        // Revoke on A (the node's replica) is tested elsewhere; revoke through B must still close A's socket.
        b.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "ops-secret");
        using var revoke = await b.Client.PostAsync($"/v1/nodes/{id}/revoke", RemoteNodeFixture.Json("{}"));
        Assert.Equal(System.Net.HttpStatusCode.OK, revoke.StatusCode);
        await events.CollectAsync(1, e => e.Event == "node.disconnected", TimeSpan.FromSeconds(5));
        Assert.Equal(78, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
