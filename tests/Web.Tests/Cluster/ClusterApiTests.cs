using System.Text.Json.Nodes;
using Moltnet.Configuration;

namespace Moltnet.Web.Tests.Cluster;

/// <summary><c>GET /v1/cluster</c> on a single process: it lists itself with its live connection counts.</summary>
public sealed class ClusterApiTests
{
    [Fact]
    public async Task A_single_server_lists_itself_with_its_sse_connections()
    {
        await using var s = await TestServer.StartAsync(new MoltnetConfig
        {
            Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
            Storage = new StorageSection { Kind = StorageKinds.Memory },
        });
        using var stream = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream");
        using var open = await s.Client.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)open.StatusCode);

        var body = JsonNode.Parse(await s.Client.GetStringAsync("/v1/cluster"))!;
        Assert.Equal("memory", (string?)body["storage_kind"]);
        var self = Assert.Single(body["replicas"]!.AsArray())!;
        Assert.Equal((string?)body["replica_id"], (string?)self["id"]);
        Assert.True((bool)self["self"]!);
        Assert.Equal(1, (int)self["connections"]!["sse"]!);
        Assert.Equal(0, (int)self["connections"]!["attach"]!);
        Assert.NotNull((string?)self["started_at"]);
    }
}
