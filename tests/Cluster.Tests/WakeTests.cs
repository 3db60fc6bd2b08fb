using System.Text;
using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cluster.Tests;

/// <summary>Wake outcomes across replicas (design.md §5): the message that wakes an agent is posted on one replica, the
/// agent is attached on another (or two others, or nowhere); every wake gets exactly one <c>agent.wake.delivered</c> or
/// <c>agent.wake.failed</c>. The observer's SSE stream (on yet another replica where possible) is the log in commit
/// order, and each session's <c>agent.disconnected</c> comes after the wake failures of its end, so reading up to the
/// disconnections sees every outcome the sessions could have produced.</summary>
[Collection(PostgresCollection.Name)]
public sealed class WakeTests(PostgresCluster pg)
{
    private const string Timeout = "wake_ack_timeout: 3s";

    [PostgresFact]
    public async Task Attached_on_one_replica_a_dm_posted_on_another_is_delivered_on_ack_and_failed_after_the_timeout()
    {
        await using var set = await Replicas.StartAsync(pg, 3, Timeout);
        await using var log = await WakeLog.OpenAsync(set[2]);
        await using (var x = await AgentSocket.AttachAsync(set[1], "x"))
        {
            Assert.Equal(202, await PostDmAsync(set[0], "w1", "x"));
            await x.AckAsync(await x.MessageCursorAsync("w1"));
            Assert.Equal(202, await PostDmAsync(set[0], "w2", "x"));
            await x.MessageCursorAsync("w2"); // received, never acknowledged
            await log.UntilAsync("agent.wake.failed");
        }
        await log.UntilDisconnectedAsync("x", 1);

        Assert.Equal(["agent.wake.delivered x w1 dm", "agent.wake.failed x w2 dm wake not acknowledged within 3s"], log.Wakes);
    }

    [PostgresFact]
    public async Task An_agent_attached_on_two_replicas_gets_one_outcome_per_wake()
    {
        await using var set = await Replicas.StartAsync(pg, 3, Timeout);
        await using var log = await WakeLog.OpenAsync(set[0]);
        await using (var onB = await AgentSocket.AttachAsync(set[1], "x"))
        await using (var onC = await AgentSocket.AttachAsync(set[2], "x"))
        {
            Assert.Equal(202, await PostDmAsync(set[0], "w1", "x"));
            await Task.WhenAll(onB.AckAsync(await onB.MessageCursorAsync("w1")), onC.AckAsync(await onC.MessageCursorAsync("w1")));
            Assert.Equal(202, await PostDmAsync(set[0], "w2", "x"));
            await Task.WhenAll(onB.MessageCursorAsync("w2"), onC.MessageCursorAsync("w2"));
            await log.UntilAsync("agent.wake.failed");
        }
        await log.UntilDisconnectedAsync("x", 2);

        Assert.Equal(["agent.wake.delivered x w1 dm", "agent.wake.failed x w2 dm wake not acknowledged within 3s"], log.Wakes);
    }

    [PostgresFact]
    public async Task An_agent_attached_nowhere_gets_no_outcome_until_an_attachment_replays_the_message()
    {
        await using var set = await Replicas.StartAsync(pg, 3, Timeout);
        await using var log = await WakeLog.OpenAsync(set[0]);
        Assert.Equal(202, await PostDmAsync(set[0], "z1", "z"));
        var before = await log.UntilAsync("dm.created");
        // A wake of y posted later, left to time out on another replica: by its failure, z1's timeout would have passed too.
        await using (var y = await AgentSocket.AttachAsync(set[1], "y"))
        {
            Assert.Equal(202, await PostDmAsync(set[2], "y1", "y"));
            await y.MessageCursorAsync("y1");
            await log.UntilAsync("agent.wake.failed");
        }
        await log.UntilDisconnectedAsync("y", 1);
        Assert.Equal(["agent.wake.failed y y1 dm wake not acknowledged within 3s"], log.Wakes);

        // z attaches on the third replica from before z1: the replay wakes it once.
        await using (var z = await AgentSocket.AttachAsync(set[2], "z", before.Id))
            await z.AckAsync(await z.MessageCursorAsync("z1"));
        await log.UntilDisconnectedAsync("z", 1);
        Assert.Equal(["agent.wake.failed y y1 dm wake not acknowledged within 3s", "agent.wake.delivered z z1 dm"], log.Wakes);
    }

    private static async Task<int> PostDmAsync(ServerProcess server, string id, string to)
    {
        using var body = new StringContent(
            $$"""{"id":"{{id}}","target":{"kind":"dm","dm_id":"dm-{{to}}","participant_ids":["a","{{to}}"]},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"{{id}}"}]}""",
            Encoding.UTF8, "application/json");
        using var res = await server.Client.PostAsync("/v1/messages", body);
        return (int)res.StatusCode;
    }

    /// <summary>An observer's stream, read forward once; every wake event read on the way is kept as
    /// "type agent message reason [error]".</summary>
    private sealed class WakeLog(SseClient sse) : IAsyncDisposable
    {
        public List<string> Wakes { get; } = [];

        public static async Task<WakeLog> OpenAsync(ServerProcess server) => new(await SseClient.ConnectAsync(server.Client));

        /// <summary>Reads up to the first frame that matches.</summary>
        public async Task<SseFrame> UntilAsync(Func<SseFrame, JsonNode?, bool> match)
        {
            while (true)
            {
                var f = await sse.NextEventAsync(TimeSpan.FromSeconds(60));
                var agent = f.Data is { } d ? JsonNode.Parse(d)?["agent"] : null;
                if (f.Event is "agent.wake.delivered" or "agent.wake.failed")
                    Wakes.Add($"{f.Event} {agent!["agent_id"]} {agent["message_id"]} {agent["reason"]} {agent["error"]}".TrimEnd());
                if (match(f, agent)) return f;
            }
        }

        public Task<SseFrame> UntilAsync(string type) => UntilAsync((f, _) => f.Event == type);

        /// <summary>Reads up to the <paramref name="sessions"/>th <c>agent.disconnected</c> of <paramref name="agentId"/>.</summary>
        public async Task UntilDisconnectedAsync(string agentId, int sessions)
        {
            for (var i = 0; i < sessions; i++) await UntilAsync((f, a) => f.Event == "agent.disconnected" && (string?)a?["agent_id"] == agentId);
        }

        public ValueTask DisposeAsync() => sse.DisposeAsync();
    }
}
