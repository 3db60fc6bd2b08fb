using System.Diagnostics;
using System.Globalization;

namespace Moltnet.Bench;

/// <summary>Percentiles over raw samples (no histogram buckets: every sample is kept and sorted).</summary>
internal static class Stats
{
    public static double TicksToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Time left until the <see cref="Stopwatch"/> timestamp <paramref name="timestamp"/>, never negative.</summary>
    public static TimeSpan Until(long timestamp)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Nearest-rank percentile of an ascending array, in the samples' unit; NaN when empty.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double[] SortedMs(IEnumerable<long> ticks)
    {
        var ms = ticks.Select(TicksToMs).ToArray();
        Array.Sort(ms);
        return ms;
    }

    public static string Ms(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString(value < 10 ? "0.00" : "#,0.0", CultureInfo.InvariantCulture) + " ms";

    public static string Count(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Percent(double value) => value.ToString("0%", CultureInfo.InvariantCulture);

    public static string Cores(TimeSpan? cpu, TimeSpan wall) =>
        cpu is { } c && wall > TimeSpan.Zero ? (c / wall).ToString("0.00", CultureInfo.InvariantCulture) + " cores" : "n/a";
}
