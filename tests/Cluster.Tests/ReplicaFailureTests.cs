using System.Collections.Concurrent;
using Moltnet.TestSupport;
using Xunit.Abstractions;

namespace Moltnet.Cluster.Tests;

/// <summary>Failures of one replica: SIGKILL mid-burst, and its listening connection terminated by the database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaFailureTests(PostgresCluster pg, ITestOutputHelper output)
{
    [PostgresFact]
    public async Task A_replica_killed_mid_burst_loses_no_acknowledged_message_and_its_observers_resume_elsewhere()
    {
        await using var set = await Replicas.StartAsync(pg, 3);
        var victim = set[2];
        await using var reference = await SseClient.ConnectAsync(set[0].Client);
        var onVictim = await SseClient.ConnectAsync(victim.Client);
        Assert.Equal(202, await Replicas.PostAsync(set[1], "warm"));
        await Observe.WarmAsync([reference, onVictim], "warm");

        var acked = new ConcurrentBag<string>();
        var ackedOnVictim = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var server = set[w % 2 == 0 ? 2 : w % 3];
            for (var i = 0; !stop.IsCancellationRequested && i < 400; i++)
            {
                var id = $"k-{w}-{i:D3}";
                try
                {
                    var code = await Replicas.PostAsync(server, id, from: $"w{w}");
                    if (code is >= 200 and < 300)
                    {
                        acked.Add(id);
                        if (server == victim && Interlocked.Increment(ref ackedOnVictim) == 60) enough.TrySetResult();
                    }
                }
                catch (HttpRequestException)
                {
                    if (server == victim) return; // the victim is gone: its writer stops
                }
                catch (TaskCanceledException)
                {
                    if (server == victim) return;
                }
            }
        })).ToList();

        await enough.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await victim.KillAsync(); // SIGKILL mid-burst: writes in flight on it are unacknowledged
        var beforeKill = await Observe.UntilEndAsync(onVictim, TimeSpan.FromSeconds(30));
        await onVictim.DisposeAsync();
        // The survivors keep accepting writes after the kill.
        for (var i = 0; i < 10; i++) Assert.Equal(202, await Replicas.PostAsync(set[i % 2], $"k-after-{i}"));
        stop.Cancel();
        await Task.WhenAll(writers);
        Assert.Equal(202, await Replicas.PostAsync(set[0], "k-end"));

        var seenBefore = beforeKill.Where(f => f.MessageId?.StartsWith("k-", StringComparison.Ordinal) == true).Select(f => f.MessageId!).ToList();
        var lastEventId = beforeKill.Last(f => f.EventId is not null).EventId;
        await using var resumed = await SseClient.ConnectAsync(set[1].Client, lastEventId: lastEventId);
        var seenAfter = await Observe.UntilAsync(resumed, "k-", "k-end");
        var all = await Observe.UntilAsync(reference, "k-", "k-end");

        output.WriteLine($"acked {acked.Count} ({ackedOnVictim} on the victim); victim's observer saw {seenBefore.Count}, resumed with {seenAfter.Count}");
        Assert.Equal(all, [.. seenBefore, .. seenAfter]); // no gap, no duplicate across the failover
        Assert.Subset(all.ToHashSet(), acked.ToHashSet());
        var history = (await Replicas.HistoryAsync(set[1])).ToHashSet();
        Assert.Subset(history, acked.ToHashSet());
    }

    [PostgresFact]
    public async Task A_terminated_listener_reconnects_and_catches_up()
    {
        await using var set = await Replicas.StartAsync(pg, 2);
        await using var observer = await SseClient.ConnectAsync(set[1].Client);
        Assert.Equal(202, await Replicas.PostAsync(set[0], "warm"));
        await Observe.WarmAsync([observer], "warm");

        var before = await set.ListenerPidAsync("r2");
        Assert.NotNull(before);
        await pg.ExecuteAsync($"SELECT pg_terminate_backend({before})");

        // Written while r2 has no listener (or before it noticed): it must catch up from the log by cursor.
        var sent = Enumerable.Range(0, 20).Select(i => $"t-{i:D2}").ToList();
        foreach (var id in sent) Assert.Equal(202, await Replicas.PostAsync(set[0], id));
        Assert.Equal(sent, await Observe.UntilAsync(observer, "t-", sent[^1], TimeSpan.FromSeconds(30)));

        await set.NewListenerAsync("r2", before.Value);

        // Live again through NOTIFY on the new connection.
        Assert.Equal(202, await Replicas.PostAsync(set[0], "t-live"));
        Assert.Equal(["t-live"], await Observe.UntilAsync(observer, "t-live", "t-live", TimeSpan.FromSeconds(30)));
    }
}
