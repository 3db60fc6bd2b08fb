using Moltnet.NodeClient.Configuration;
using Moltnet.NodeClient.Runtimes;

namespace Moltnet.NodeClient.Daemon;

/// <summary>
/// Bootstrap wakes (spec node-and-cli §2.9): once per process every room bound with wake <c>all</c> gets one wake
/// telling the runtime the conversation is attached. Adapters taking them before the first attach (openclaw, picoclaw
/// events) are retried with backoff until they accept; the others get them in the background after READY, and a failure
/// ends that session so the next one retries the rooms not yet done.
/// </summary>
public sealed partial class AttachmentLoop
{
    private readonly HashSet<string> _bootstrapped = new(StringComparer.Ordinal);
    private Exception? _bootstrapFailure;

    private IEnumerable<string> PendingBootstrapRooms() =>
        attachment.Rooms.Where(r => r.Wake is WakeModes.All or "").Select(r => r.Id).Distinct().Where(id => !_bootstrapped.Contains(id));

    private async Task BootstrapRoomsAsync(CancellationToken ct)
    {
        foreach (var room in PendingBootstrapRooms().ToList())
        {
            await runtime.BootstrapAsync(new BootstrapWake(config.Moltnet.NetworkId, room), ct);
            _bootstrapped.Add(room);
            log.Info("bootstrap", "bootstrap wake delivered", ("agent", _agentId), ("room", room));
        }
    }

    /// <summary>Before the first attach: retried with backoff until every room is done (or the node stops).</summary>
    private async Task BootstrapBeforeAttachAsync(CancellationToken ct)
    {
        for (var attempt = 1; !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                await BootstrapRoomsAsync(ct);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var delay = Backoff.Delay(attempt, Random.Shared);
                log.Warn("bootstrap", "runtime did not accept the bootstrap wake; retrying", ("agent", _agentId), ("error", e.Message), ("retry_in", delay));
                board.Error(_agentId, $"bootstrap wake failed: {e.Message}");
                await Task.Delay(delay, options.Time, ct);
            }
        }
    }

    /// <summary>After READY, in the background: a failure cancels <paramref name="session"/> (the next session retries).</summary>
    private Task BootstrapAfterReadyAsync(CancellationTokenSource session)
    {
        if (runtime.Bootstrap != BootstrapTiming.AfterReady || !PendingBootstrapRooms().Any()) return Task.CompletedTask;
        _bootstrapFailure = null;
        return Task.Run(async () =>
        {
            try
            {
                await BootstrapRoomsAsync(session.Token);
            }
            catch (Exception e) when (!session.IsCancellationRequested)
            {
                _bootstrapFailure = e;
                await session.CancelAsync();
            }
            catch (OperationCanceledException)
            {
                // The session ended first; the next one retries.
            }
        }, CancellationToken.None);
    }
}
