using Microsoft.Extensions.Logging.Abstractions;
using Moltnet.Cluster;

namespace Moltnet.Grains.Tests.Cluster;

public sealed class LocalClusterBusTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Delivers_to_subscribers_of_the_topic_and_to_this_replica_only()
    {
        var bus = new LocalClusterBus(NullLogger<LocalClusterBus>.Instance);
        var got = new TaskCompletionSource<ClusterMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = 0;
        using var a = bus.Subscribe("a", m => { got.TrySetResult(m); return Task.CompletedTask; });
        using var b = bus.Subscribe("b", _ => { Interlocked.Increment(ref other); return Task.CompletedTask; });

        await bus.PublishAsync("a", "elsewhere", target: "another-replica", CancellationToken.None);
        await bus.PublishAsync("a", "hello", target: bus.ReplicaId, CancellationToken.None);

        var message = await got.Task.WaitAsync(Wait);
        Assert.Equal(new ClusterMessage("a", bus.ReplicaId, bus.ReplicaId, "hello"), message);
        Assert.Equal(0, other);
    }

    [Fact]
    public async Task Unsubscribed_handlers_stop_and_oversize_payloads_are_refused()
    {
        var bus = new LocalClusterBus(NullLogger<LocalClusterBus>.Instance);
        var calls = 0;
        var sub = bus.Subscribe("t", _ => { Interlocked.Increment(ref calls); return Task.CompletedTask; });
        sub.Dispose();
        await bus.PublishAsync("t", "x", null, CancellationToken.None);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            bus.PublishAsync("t", new string('x', IClusterBus.MaxPayloadBytes + 1), null, CancellationToken.None));
        Assert.Equal(0, calls);
    }
}
