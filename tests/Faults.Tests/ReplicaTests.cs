using System.Collections.Concurrent;
using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;
using Xunit.Abstractions;

namespace Moltnet.Faults.Tests;

/// <summary>Case 6: three real replicas on one PostgreSQL (<c>TestSupport/Replicas</c>) under writers on every replica.
/// One replica is SIGKILLed mid-stream; on another the database terminates the listening connection. Every acknowledged
/// message is stored exactly once, and every observer (on a survivor, resumed elsewhere by <c>Last-Event-ID</c>, or on the
/// replica that lost its listener) sees the stored order: no gap, no duplicate.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaTests(PostgresCluster pg, ITestOutputHelper output)
{
    private static readonly int PerWriter = FaultMode.Pick(150, 1500);

    [PostgresFact]
    public async Task A_replica_killed_mid_stream_loses_nothing_acknowledged_and_every_observer_sees_one_gap_free_order()
    {
        await using var set = await Replicas.StartAsync(pg, 3);
        var victim = set[2];
        await using var onFirst = await SseClient.ConnectAsync(set[0].Client);
        await using var onSecond = await SseClient.ConnectAsync(set[1].Client);
        var onVictim = await SseClient.ConnectAsync(victim.Client);
        Assert.Equal(202, await Replicas.PostAsync(set[0], "warm"));
        await Observe.WarmAsync([onFirst, onSecond, onVictim], "warm");

        var victimBusy = new Progress(40);
        var writers = Writers(set, 6, "k", victimBusy, victim);
        await victimBusy.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        await victim.KillAsync();
        var beforeKill = await Observe.UntilEndAsync(onVictim, TimeSpan.FromSeconds(30));
        await onVictim.DisposeAsync();
        var acked = await Task.WhenAll(writers);
        Assert.Equal(202, await Replicas.PostAsync(set[1], "k-end"));

        var order = await Observe.UntilAsync(onFirst, "k-", "k-end");
        Assert.Equal(order, await Observe.UntilAsync(onSecond, "k-", "k-end")); // identical order on both survivors
        AssertStoredOnce("k", order, await Replicas.HistoryAsync(set[0]), acked);

        // The victim's observer resumes on each survivor from the last event it got: together exactly the stream.
        var seenBefore = beforeKill.Where(f => f.MessageId?.StartsWith("k-", StringComparison.Ordinal) == true).Select(f => f.MessageId!).ToList();
        var cursor = beforeKill.Last(f => f.EventId is not null).EventId;
        foreach (var survivor in set.Servers.Take(2))
        {
            await using var resumed = await SseClient.ConnectAsync(survivor.Client, lastEventId: cursor);
            Assert.Equal(order, [.. seenBefore, .. await Observe.UntilAsync(resumed, "k-", "k-end")]);
        }
        output.WriteLine($"{acked.Sum(a => a.Count)} acked, {order.Count} stored; the victim's observer saw {seenBefore.Count} before the kill");
    }

    [PostgresFact]
    public async Task A_terminated_listener_loses_no_event_for_its_observers_and_readiness_holds()
    {
        await using var set = await Replicas.StartAsync(pg, 3);
        var cut = set[1];
        await using var reference = await SseClient.ConnectAsync(set[0].Client);
        await using var first = await SseClient.ConnectAsync(cut.Client);
        await using var second = await SseClient.ConnectAsync(cut.Client);
        Assert.Equal(202, await Replicas.PostAsync(set[2], "warm"));
        await Observe.WarmAsync([reference, first, second], "warm");
        var listener = await set.ListenerPidAsync("r2") ?? throw new InvalidOperationException("r2 has no listener");

        var busy = new Progress(30);
        var writers = Writers(set, 6, "t", busy, null);
        await busy.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        await pg.ExecuteAsync($"SELECT pg_terminate_backend({listener})"); // mid-stream: writers on all three keep going
        Assert.Equal(200, (int)(await cut.Client.GetAsync("/readyz")).StatusCode);
        await set.NewListenerAsync("r2", listener);
        var acked = await Task.WhenAll(writers);
        Assert.Equal(202, await Replicas.PostAsync(set[0], "t-end"));

        var order = await Observe.UntilAsync(reference, "t-", "t-end");
        Assert.Equal(order, await Observe.UntilAsync(first, "t-", "t-end"));
        Assert.Equal(order, await Observe.UntilAsync(second, "t-", "t-end"));
        AssertStoredOnce("t", order, await Replicas.HistoryAsync(cut), acked);
        Assert.All(acked, a => Assert.Equal(PerWriter, a.Count)); // nobody was refused

        // Live again through the new connection, and ready.
        Assert.Equal(202, await Replicas.PostAsync(set[2], "t-live"));
        Assert.Equal(["t-live"], await Observe.UntilAsync(first, "t-live", "t-live", TimeSpan.FromSeconds(30)));
        Assert.Equal(200, (int)(await cut.Client.GetAsync("/readyz")).StatusCode);
    }

    /// <summary><paramref name="count"/> sequential writers, writer w on replica w % 3, each posting <c>prefix-w-i</c>
    /// until done (a writer on <paramref name="victim"/> stops when it is gone); each returns its acknowledged ids in send
    /// order. <paramref name="progress"/> counts acknowledgements on the victim (or anywhere, without one).</summary>
    private List<Task<List<string>>> Writers(Replicas set, int count, string prefix, Progress progress, ServerProcess? victim) =>
        [.. Enumerable.Range(0, count).Select(w => Task.Run(async () =>
        {
            var server = set[w % 3];
            var acked = new List<string>();
            for (var i = 0; i < PerWriter; i++)
            {
                var id = $"{prefix}-{w}-{i:D4}";
                int code;
                try
                {
                    code = await Replicas.PostAsync(server, id, from: $"w{w}");
                }
                catch (Exception e) when (server == victim && e is HttpRequestException or TaskCanceledException)
                {
                    return acked; // the victim is gone: this write is unacknowledged, the writer stops
                }
                Assert.Equal(202, code);
                acked.Add(id);
                if (victim is null || server == victim) progress.Count();
            }
            return acked;
        }))];

    /// <summary>The stream is exactly the stored history, nothing twice, every acknowledged id in it, and each writer's ids
    /// in its send order (unacknowledged writes cut off by a kill may or may not be stored).</summary>
    private static void AssertStoredOnce(string prefix, List<string> streamed, List<string> history, List<string>[] acked)
    {
        var end = prefix + "-end";
        var stored = history.Where(id => id.StartsWith(prefix + "-", StringComparison.Ordinal) && id != end).ToList();
        Assert.Equal(stored, streamed.Where(id => id != end));
        Assert.Equal(stored.Count, stored.Distinct().Count());
        var all = stored.ToHashSet();
        foreach (var writer in acked)
        {
            var mine = writer.ToHashSet();
            Assert.Subset(all, mine);
            Assert.Equal(writer, stored.Where(mine.Contains)); // in send order
        }
    }

    /// <summary>Completes <see cref="Reached"/> once <see cref="Count"/> was called <paramref name="target"/> times.</summary>
    private sealed class Progress(int target)
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public Task Reached => _reached.Task;

        public void Count()
        {
            if (Interlocked.Increment(ref _count) >= target) _reached.TrySetResult();
        }
    }
}
