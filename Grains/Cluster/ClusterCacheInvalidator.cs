using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moltnet.Grains.Runtime;

namespace Moltnet.Cluster;

/// <summary>Keeps grain caches honest across replicas: after a state write (<see cref="InvalidatingStore"/>) it publishes
/// <c>cache.invalidate</c> with the grain type and key, and every other replica deactivates that grain so its next call
/// reloads from the store. Conditional writes keep stale caches from overwriting newer state anyway; this makes reads
/// (a room created elsewhere, a member added elsewhere) current within a notification's latency.</summary>
public sealed partial class ClusterCacheInvalidator(IClusterBus bus, GrainRuntime runtime, ILogger<ClusterCacheInvalidator> log) : IHostedService
{
    public const string Topic = "cache.invalidate";
    private IDisposable? _subscription;

    /// <summary>Tells the other replicas that <paramref name="grainTypeName"/> / <paramref name="key"/> changed. Never throws:
    /// a lost invalidation only leaves a cache stale until its grain deactivates or the listener reconnects.</summary>
    public async Task PublishAsync(string grainTypeName, string key)
    {
        try
        {
            await bus.PublishAsync(Topic, grainTypeName + "\n" + key, null, CancellationToken.None);
        }
        catch (Exception e)
        {
            PublishFailed(log, grainTypeName, key, e);
        }
    }

    /// <summary>Drops every cached grain of this replica.</summary>
    public void DropAll() => runtime.InvalidateAll();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = bus.Subscribe(Topic, m =>
        {
            if (m.From == bus.ReplicaId) return Task.CompletedTask;
            var split = m.Payload.IndexOf('\n', StringComparison.Ordinal);
            if (split > 0) runtime.Invalidate(m.Payload[..split], m.Payload[(split + 1)..]);
            return Task.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "could not publish the invalidation of {GrainType} {Key}")]
    private static partial void PublishFailed(ILogger logger, string grainType, string key, Exception error);
}
