using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moltnet.Cluster;
using Moltnet.Configuration;
using Moltnet.Runtime;

namespace Moltnet.Grains.Domain.Pairings;

/// <summary>Runs, for each configured pairing, the periodic compatibility check and the outbox delivery. Delivery runs
/// only on the replica holding the lease <c>pairing-outbox:&lt;id&gt;</c> (one owner across replicas; renewed every
/// loop); checks may run anywhere since their results are conditional writes of the shared status.</summary>
public sealed class PairingWorker(
    MoltnetConfig config, IGrainFactory grains, ILeases leases, RelaySignal signal, ILogger<PairingWorker> log) : BackgroundService
{
    public static string LeaseName(string pairingId) => "pairing-outbox:" + pairingId;

    private RelaySection Timing => config.Relay;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(config.Pairings.SelectMany(p => new[] { CheckLoopAsync(p.Id, stoppingToken), RelayLoopAsync(p.Id, stoppingToken) }));

    private async Task CheckLoopAsync(string pairingId, CancellationToken stop)
    {
        await Task.Yield();
        var grain = grains.GetGrain<IPairingGrain>(pairingId);
        var tick = Min(Timing.ErrorCheckInterval, Timing.CheckInterval, Timing.PollInterval);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await grain.CheckAsync(false, stop);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                PairingLog.LoopFailed(log, pairingId, e);
            }
            try
            {
                await Task.Delay(tick, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RelayLoopAsync(string pairingId, CancellationToken stop)
    {
        await Task.Yield();
        var grain = grains.GetGrain<IPairingGrain>(pairingId);
        var lease = LeaseName(pairingId);
        var ttl = Max(TimeSpan.FromSeconds(30), Timing.PollInterval * 3, Timing.RequestTimeout * 3);
        var held = false;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var wait = Timing.PollInterval;
                try
                {
                    held = await leases.TryAcquireAsync(lease, ttl, stop);
                    if (held && await grain.RelayAsync(stop) is { } next) wait = Min(next, Timing.PollInterval);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    PairingLog.LoopFailed(log, pairingId, e);
                }
                try
                {
                    await signal.WaitAsync(pairingId, wait <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : wait, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            if (held)
            {
                try
                {
                    await leases.ReleaseAsync(lease, CancellationToken.None);
                }
                catch (Exception e)
                {
                    PairingLog.LoopFailed(log, pairingId, e);
                }
            }
        }
    }

    private static TimeSpan Min(params ReadOnlySpan<TimeSpan> values)
    {
        var min = TimeSpan.MaxValue;
        foreach (var v in values) if (v < min) min = v;
        return min;
    }

    private static TimeSpan Max(params ReadOnlySpan<TimeSpan> values)
    {
        var max = TimeSpan.Zero;
        foreach (var v in values) if (v > max) max = v;
        return max;
    }
}
