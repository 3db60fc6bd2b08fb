namespace Moltnet.Bench;

/// <summary>Latency counts in 0.05 ms buckets up to 30 s (larger values land in the last bucket): percentiles of tens
/// of millions of (message, subscriber) pairs without keeping them.</summary>
internal sealed class Histogram
{
    private const double BucketMs = 0.05;
    private readonly long[] _counts = new long[(int)(30_000 / BucketMs) + 1];

    public long Count { get; private set; }

    public void Add(long ticks)
    {
        var ms = Stats.TicksToMs(ticks);
        var bucket = ms <= 0 ? 0 : Math.Min(_counts.Length - 1, (int)(ms / BucketMs));
        _counts[bucket]++;
        Count++;
    }

    /// <summary>The upper edge of the bucket holding the nearest-rank percentile, in ms; NaN when empty.</summary>
    public double Percentile(double p)
    {
        if (Count == 0) return double.NaN;
        var rank = Math.Max(1, (long)Math.Ceiling(p / 100.0 * Count));
        var seen = 0L;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return (i + 1) * BucketMs;
        }
        return _counts.Length * BucketMs;
    }
}
