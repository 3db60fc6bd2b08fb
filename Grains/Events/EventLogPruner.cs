using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moltnet.Cluster;
using Moltnet.Configuration;
using Moltnet.Grains.Storage;

namespace Moltnet.Grains.Events;

/// <summary>Deletes events older than <c>storage.event_retention</c> once an hour (and once at start), on the one replica
/// holding the <see cref="LeaseName"/> lease.</summary>
public sealed partial class EventLogPruner(IMoltnetStore store, MoltnetConfig config, ILeases leases, TimeProvider time, ILogger<EventLogPruner> log)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public const string LeaseName = "event-log-pruner";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (config.Storage.EventRetention <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                if (!await leases.TryAcquireAsync(LeaseName, Interval * 2, stoppingToken)) continue;
                var pruned = await store.PruneEventsAsync(time.GetUtcNow() - config.Storage.EventRetention, stoppingToken);
                if (pruned > 0) Pruned(log, pruned);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                PruneFailed(log, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "pruned {Count} events past retention")]
    private static partial void Pruned(ILogger logger, int count);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "event log pruning failed")]
    private static partial void PruneFailed(ILogger logger, Exception error);
}
