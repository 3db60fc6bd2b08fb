namespace Moltnet.NodeClient.Daemon;

/// <summary>Reconnect delays (spec node-and-cli §2.5): 500 ms × 2^(n−1) capped at 15 s, jitter ±20 %, clamped to [0.5 s, 15 s].</summary>
public static class Backoff
{
    public static readonly TimeSpan Min = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(15);

    public static TimeSpan Delay(int attempt, Random random)
    {
        var n = Math.Clamp(attempt, 1, 16);
        var baseMs = Math.Min(Min.TotalMilliseconds * Math.Pow(2, n - 1), Max.TotalMilliseconds);
        var jittered = baseMs * (0.8 + 0.4 * random.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, Min.TotalMilliseconds, Max.TotalMilliseconds));
    }
}
