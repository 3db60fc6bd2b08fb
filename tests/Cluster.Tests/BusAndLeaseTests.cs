using System.Collections.Concurrent;
using Moltnet.Grains.Domain.Pairings;
using Moltnet.TestSupport;

namespace Moltnet.Cluster.Tests;

/// <summary>The PostgreSQL bus and leases between two replicas (in this process, each with its own listener connection,
/// pools and replica id) on one real database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BusAndLeaseTests(PostgresCluster pg)
{
    [PostgresFact]
    public async Task A_targeted_message_reaches_only_its_replica_and_the_answer_comes_back()
    {
        var dsn = await pg.CreateDatabaseAsync();
        try
        {
            await using var a = await InProcessReplica.StartAsync(dsn, "bus-a");
            await using var b = await InProcessReplica.StartAsync(dsn, "bus-b");
            var busA = a.Get<IClusterBus>();
            var busB = b.Get<IClusterBus>();
            var gotA = new ConcurrentQueue<ClusterMessage>();
            var gotB = new ConcurrentQueue<ClusterMessage>();
            var broadcastOnA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var answered = new TaskCompletionSource<ClusterMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var subA = busA.Subscribe("test.call", m =>
            {
                gotA.Enqueue(m);
                if (m.Target is null) broadcastOnA.TrySetResult();
                return Task.CompletedTask;
            });
            using var replies = busA.Subscribe("test.reply", m =>
            {
                answered.TrySetResult(m);
                return Task.CompletedTask;
            });
            using var subB = busB.Subscribe("test.call", async m =>
            {
                gotB.Enqueue(m);
                if (m.Target == busB.ReplicaId) await busB.PublishAsync("test.reply", "pong:" + m.Payload, m.From, CancellationToken.None);
            });

            await WaitListeningAsync(a, b);
            await busA.PublishAsync("test.call", "ping", "bus-b", CancellationToken.None);
            var answer = await answered.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(("pong:ping", "bus-b", "bus-a"), (answer.Payload, answer.From, answer.Target));

            // A later broadcast reaches A; the targeted call before it did not.
            await busA.PublishAsync("test.call", "all", null, CancellationToken.None);
            await broadcastOnA.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(["all"], gotA.Select(m => m.Payload));
            Assert.Contains(gotB, m => m is { Payload: "ping", From: "bus-a", Target: "bus-b" });

            await Assert.ThrowsAsync<ArgumentException>(() =>
                busA.PublishAsync("test.call", new string('x', IClusterBus.MaxPayloadBytes + 1), null, CancellationToken.None));
        }
        finally
        {
            await pg.DropDatabaseAsync(dsn);
        }
    }

    [PostgresFact]
    public async Task A_lease_has_one_holder_and_fails_over_on_release_or_expiry()
    {
        var dsn = await pg.CreateDatabaseAsync();
        try
        {
            await using var a = await InProcessReplica.StartAsync(dsn, "lease-a");
            await using var b = await InProcessReplica.StartAsync(dsn, "lease-b");
            var leaseA = a.Get<ILeases>();
            var leaseB = b.Get<ILeases>();
            var name = PairingWorker.LeaseName("remote");
            var ct = CancellationToken.None;

            Assert.True(await leaseA.TryAcquireAsync(name, TimeSpan.FromMinutes(1), ct));
            Assert.True(await leaseA.TryAcquireAsync(name, TimeSpan.FromMinutes(1), ct)); // renewal
            Assert.False(await leaseB.TryAcquireAsync(name, TimeSpan.FromMinutes(1), ct));

            await leaseB.ReleaseAsync(name, ct); // not B's: changes nothing
            Assert.False(await leaseB.TryAcquireAsync(name, TimeSpan.FromMinutes(1), ct));

            await leaseA.ReleaseAsync(name, ct); // clean stop: B takes it at once
            Assert.True(await leaseB.TryAcquireAsync(name, TimeSpan.FromMilliseconds(300), ct));
            Assert.False(await leaseA.TryAcquireAsync(name, TimeSpan.FromMinutes(1), ct));

            // B dies (stops renewing): A takes over once the lease expires, and B cannot renew behind A's back.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            var tookOver = false;
            while (!tookOver && DateTime.UtcNow < deadline)
            {
                tookOver = await leaseA.TryAcquireAsync(name, TimeSpan.FromMinutes(1), ct);
                if (!tookOver) await Task.Delay(50);
            }
            Assert.True(tookOver);
            Assert.False(await leaseB.TryAcquireAsync(name, TimeSpan.FromMinutes(1), ct));
        }
        finally
        {
            await pg.DropDatabaseAsync(dsn);
        }
    }

    private static async Task WaitListeningAsync(params InProcessReplica[] replicas)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!replicas.All(r => r.Get<PostgresListener>().Listening))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("listeners did not connect");
            await Task.Delay(20);
        }
    }
}
