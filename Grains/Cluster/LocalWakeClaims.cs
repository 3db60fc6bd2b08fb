using Moltnet.Configuration;

namespace Moltnet.Cluster;

/// <summary>Wake claims of a single process: a set of (agent, message) pairs, dropped once older than the retention or
/// when more than <see cref="Capacity"/> are held (oldest first), so memory stays bounded.</summary>
public sealed class LocalWakeClaims(MoltnetConfig config, TimeProvider time) : IWakeClaims
{
    public const int Capacity = 100_000;

    private readonly Lock _lock = new();
    private readonly HashSet<(string Agent, string Message)> _claimed = [];
    private readonly Queue<(DateTimeOffset At, (string, string) Key)> _order = new();
    private readonly TimeSpan _retention = WakeClaimRetention.Of(config);

    public Task<bool> TryClaimAsync(string agentId, string messageId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            while (_order.TryPeek(out var oldest) && (oldest.At < now - _retention || _order.Count >= Capacity))
                _claimed.Remove(_order.Dequeue().Key);
            if (!_claimed.Add((agentId, messageId))) return Task.FromResult(false);
            _order.Enqueue((now, (agentId, messageId)));
            return Task.FromResult(true);
        }
    }
}

/// <summary>How long a wake claim is kept: the event log's retention, or 7 days when the log keeps everything.</summary>
public static class WakeClaimRetention
{
    public static TimeSpan Of(MoltnetConfig config) =>
        config.Storage.EventRetention > TimeSpan.Zero ? config.Storage.EventRetention : TimeSpan.FromDays(7);
}
