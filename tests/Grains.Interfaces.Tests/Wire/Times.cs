namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>Timestamps the spec's format rules are checked against.</summary>
internal static class Times
{
    /// <summary><c>2024-01-02T03:04:05Z</c>.</summary>
    public static readonly DateTimeOffset Whole = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary><c>2024-01-02T03:04:05.5Z</c>.</summary>
    public static readonly DateTimeOffset Half = Whole.AddMilliseconds(500);

    /// <summary><c>2024-01-02T03:04:05.1234567Z</c> (full tick precision).</summary>
    public static readonly DateTimeOffset Ticks = Whole.AddTicks(1_234_567);

    /// <summary>Go's zero time, <c>0001-01-01T00:00:00Z</c>.</summary>
    public static readonly DateTimeOffset Zero = default;
}
