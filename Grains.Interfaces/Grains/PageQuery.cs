using System.Globalization;
using Moltnet.Wire;

namespace Moltnet.Grains;

/// <summary>A validated cursor page request (spec §2.2): limit clamped to 1..500, at most one cursor.</summary>
public sealed record PageQuery(int Limit = PageQuery.DefaultLimit, string? Before = null, string? After = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static readonly PageQuery Default = new();

    /// <summary>Parses raw query values; junk limits become the default, never an error.</summary>
    public static PageQuery Parse(string? limit, string? before, string? after)
    {
        before = string.IsNullOrEmpty(before) ? null : before.Trim();
        after = string.IsNullOrEmpty(after) ? null : after.Trim();
        if (before is not null && after is not null)
            throw MoltnetException.Unprocessable("before and after cannot be used together");
        foreach (var c in new[] { before, after })
            if (c is not null && !Ids.IsValid(c)) throw MoltnetException.Unprocessable($"invalid cursor \"{c}\"");
        // Like Go's strconv.Atoi on a 64-bit int: optional sign, digits only, no surrounding spaces.
        var n = long.TryParse(limit, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? (int)Math.Min(parsed, MaxLimit)
            : DefaultLimit;
        return new PageQuery(n, before, after);
    }

    /// <summary>Pages a full collection sorted by id (spec §2.2 "Collections").</summary>
    public (IReadOnlyList<T> Items, PageInfo Page) Apply<T>(IReadOnlyList<T> sorted, Func<T, string> id)
    {
        var start = 0;
        var end = sorted.Count;
        if (After is not null) start = IndexOf(sorted, id, After) + 1;
        if (Before is not null) end = IndexOf(sorted, id, Before);
        if (end < start) end = start;
        if (end - start > Limit)
        {
            if (Before is not null && After is null) start = end - Limit;
            else end = start + Limit;
        }
        var items = new List<T>(end - start);
        for (var i = start; i < end; i++) items.Add(sorted[i]);
        var hasBefore = start > 0;
        var hasAfter = end < sorted.Count;
        var page = new PageInfo(
            hasBefore || hasAfter,
            hasBefore && items.Count > 0 ? id(items[0]) : null,
            hasAfter && items.Count > 0 ? id(items[^1]) : null);
        return (items, page);
    }

    private static int IndexOf<T>(IReadOnlyList<T> sorted, Func<T, string> id, string cursor)
    {
        for (var i = 0; i < sorted.Count; i++)
            if (id(sorted[i]) == cursor) return i;
        throw MoltnetException.Unprocessable($"invalid cursor \"{cursor}\"");
    }
}
