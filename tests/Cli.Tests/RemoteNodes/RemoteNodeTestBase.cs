using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests.RemoteNodes;

/// <summary>Helpers shared by the remote-node tests: nodes started as real processes and awaited through the server's
/// event stream (<c>node.connected</c>), and exec calls read as NDJSON frames.</summary>
public abstract class RemoteNodeTestBase(RemoteNodeFixture f) : IAsyncLifetime
{
    protected RemoteNodeFixture F { get; } = f;
    protected SseClient Events { get; private set; } = null!;
    private readonly List<NodeProcess> _nodes = [];

    public async Task InitializeAsync() => Events = await SseClient.ConnectAsync(F.Admin);

    public async Task DisposeAsync()
    {
        await Events.DisposeAsync();
        foreach (var n in _nodes) await n.DisposeAsync();
    }

    protected string GatewayUrl => F.Server.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws";

    /// <summary>Generates a token with the CLI, starts <c>node add --foreground</c> and waits for <c>node.connected</c>.</summary>
    protected async Task<(NodeProcess Node, string NodeId, string Token)> StartNodeAsync(string name, string? policy = null, string? workingDir = null)
    {
        var (id, token) = await F.GenerateTokenAsync(name);
        var node = NodeProcess.Start(GatewayUrl, token, name, id, policy, workingDir);
        _nodes.Add(node);
        await NextNodeEventAsync("node.connected", id, () => node.Output);
        return (node, id, token);
    }

    /// <summary>The next event of <paramref name="type"/> for <paramref name="nodeId"/> (others are skipped).</summary>
    protected async Task<JsonNode> NextNodeEventAsync(string type, string nodeId, Func<string>? context = null, TimeSpan? timeout = null)
    {
        try
        {
            var frames = await Events.CollectAsync(1, e => e.Event == type && (string?)JsonNode.Parse(e.Data!)!["node"]?["node_id"] == nodeId,
                timeout ?? TimeSpan.FromSeconds(30));
            return JsonNode.Parse(frames[0].Data!)!;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            throw new TimeoutException($"no {type} for {nodeId}\n{context?.Invoke()}", e);
        }
    }

    /// <summary>POSTs <c>/v1/exec</c> and reads its NDJSON frames to the end.</summary>
    protected static async Task<(List<JsonNode> Frames, JsonNode Result)> ExecAsync(HttpClient client, JsonObject body)
    {
        using var response = await client.PostAsync("/v1/exec", RemoteNodeFixture.Json(body.ToJsonString()));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var frames = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal("started", (string?)frames[0]["type"]);
        Assert.Equal("result", (string?)frames[^1]["type"]);
        return (frames, frames[^1]["result"]!);
    }

    protected static string Output(List<JsonNode> frames, string stream) => string.Concat(frames
        .Where(f => (string?)f["type"] == "chunk" && (string?)f["stream"] == stream)
        .Select(f => (string?)f["data"]));
}
