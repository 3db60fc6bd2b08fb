using System.Globalization;

namespace Moltnet.Grains.Storage;

/// <summary>
/// Fixed-width UTC text timestamps (<c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>, always seven fractional digits) so that text
/// order equals time order and values round-trip to the tick.
/// </summary>
public static class StoreTime
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string ToText(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static string? ToText(DateTimeOffset? value) => value is { } v ? ToText(v) : null;

    public static DateTimeOffset Parse(string text) =>
        new(DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), TimeSpan.Zero);
}
