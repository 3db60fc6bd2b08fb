using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Moltnet.Cli.Tests.Node;

/// <summary><c>tinyclaw</c> queue mode against a fake TinyClaw HTTP API (inbound message, pending responses, ACKs).</summary>
public sealed class TinyClawRuntimeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>A real HTTP server with TinyClaw's queue API. It starts with 25 pending responses (ids 1–24 as numbers,
    /// <c>r-25</c> as a string); <see cref="Log"/> records every GET and ACK in order.</summary>
    private sealed class FakeTinyClaw : IAsyncDisposable
    {
        private readonly LoopbackHttpServer _server;
        private readonly List<JsonNode> _pending = [.. Enumerable.Range(1, 24).Select(i => (JsonNode)i), "r-25"];

        public FakeTinyClaw() => _server = new LoopbackHttpServer(ServeAsync);

        public string Origin => _server.Origin;
        public List<string> Log { get; } = [];
        public Channel<JsonNode> Inbound { get; } = Channel.CreateUnbounded<JsonNode>();
        public TaskCompletionSource AllAcked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private async Task ServeAsync(HttpListenerContext c)
        {
            var body = await LoopbackHttpServer.ReadBodyAsync(c.Request);
            var path = c.Request.Url!.AbsolutePath;
            JsonNode answer = new JsonObject { ["ok"] = true };
            lock (Log)
            {
                if (c.Request.HttpMethod == "GET" && path == "/api/responses/pending")
                {
                    Log.Add("GET channel=" + c.Request.QueryString["channel"]);
                    answer = new JsonArray(_pending.Select(id => (JsonNode)new JsonObject
                    {
                        ["id"] = id.DeepClone(), ["sender"] = "Alpha", ["senderId"] = "room:research", ["message"] = $"tinyclaw reply {id}",
                    }).ToArray());
                }
                else if (c.Request.HttpMethod == "POST" && path.StartsWith("/api/responses/", StringComparison.Ordinal) && path.EndsWith("/ack", StringComparison.Ordinal))
                {
                    var id = path["/api/responses/".Length..^"/ack".Length];
                    Log.Add($"ACK {id} {body}");
                    _pending.RemoveAll(p => p.ToJsonString().Trim('"') == id);
                    if (_pending.Count == 0) AllAcked.TrySetResult();
                }
                else if (c.Request.HttpMethod == "POST" && path == "/api/message") Inbound.Writer.TryWrite(JsonNode.Parse(body)!);
                else c.Response.StatusCode = 404;
            }
            await LoopbackHttpServer.ReplyJsonAsync(c.Response, answer);
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }

    [Fact]
    public async Task Wakes_are_posted_inbound_and_pending_responses_are_acked_twenty_per_poll_and_never_published()
    {
        await using var h = await NodeHarness.StartAsync();
        await using var tiny = new FakeTinyClaw();
        h.WriteNodeConfig(h.Attachment("alpha", $"{{ kind: tinyclaw, inbound_url: {tiny.Origin}/api/message }}", wake: "all"));
        var node = h.StartNode();
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=alpha");

        var id = await h.SendAsync("hello tinyclaw");
        using var timeout = new CancellationTokenSource(Wait);
        var inbound = await tiny.Inbound.Reader.ReadAsync(timeout.Token);
        Assert.Equal(new JsonObject
        {
            ["message"] = $"Channel: moltnet\nChat ID: local:room:research\nFrom: molt://local/agents/carol\nName: Carol\nMessage ID: {id}\n\nMessage:\nhello tinyclaw\n",
            ["agent"] = "alpha",
            ["sender"] = "Carol",
            ["senderId"] = "room:research",
            ["channel"] = "moltnet",
            ["messageId"] = id,
        }.ToJsonString(), inbound.ToJsonString());

        await tiny.AllAcked.Task.WaitAsync(Wait);
        List<string> log;
        lock (tiny.Log) log = [.. tiny.Log];
        Assert.Equal("GET channel=moltnet", log[0]);
        var firstPoll = log.Skip(1).TakeWhile(l => l.StartsWith("ACK ", StringComparison.Ordinal)).ToList();
        Assert.Equal([.. Enumerable.Range(1, 20).Select(i => $"ACK {i} {{}}")], firstPoll);
        Assert.StartsWith("GET ", log[21]);
        Assert.Equal(["ACK 21 {}", "ACK 22 {}", "ACK 23 {}", "ACK 24 {}", "ACK r-25 {}"], log.Skip(22).Take(5));

        // Nothing TinyClaw answered became a Moltnet message: the agent speaks through the skill.
        await h.SendAsync("a later message");
        await tiny.Inbound.Reader.ReadAsync(timeout.Token);
        using var history = await h.Admin.GetAsync("/v1/rooms/research/messages?limit=50");
        Assert.DoesNotContain("tinyclaw reply", await history.Content.ReadAsStringAsync());
    }
}
