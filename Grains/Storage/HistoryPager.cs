using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

/// <summary>An item of an in-memory history with its commit-order key.</summary>
internal interface IHistoryEntry<out T>
{
    (long Seq, int Part) Key { get; }
    string Id { get; }
    T Value { get; }
}

/// <summary>Spec §2.2 history paging over an in-memory list kept in key order (oldest first).</summary>
internal static class HistoryPager
{
    public static Page<T> Page<T>(IReadOnlyList<IHistoryEntry<T>> items, (long, int)? before, (long, int)? after, int limit)
    {
        if (after is { } a)
        {
            var start = UpperBound(items, a);
            var end = Math.Min(items.Count, start + limit);
            var hasMore = end < items.Count;
            var page = Slice(items, start, end);
            return new Page<T>(page, new PageInfo(hasMore, NextAfter: hasMore && end > start ? items[end - 1].Id : null));
        }
        else
        {
            var end = before is { } b ? LowerBound(items, b) : items.Count;
            var start = Math.Max(0, end - limit);
            var hasMore = start > 0;
            var page = Slice(items, start, end);
            return new Page<T>(page, new PageInfo(hasMore, NextBefore: hasMore && end > start ? items[start].Id : null));
        }
    }

    private static T[] Slice<T>(IReadOnlyList<IHistoryEntry<T>> items, int start, int end)
    {
        var result = new T[end - start];
        for (var i = start; i < end; i++) result[i - start] = items[i].Value;
        return result;
    }

    /// <summary>First index whose key is &gt;= <paramref name="key"/>.</summary>
    private static int LowerBound<T>(IReadOnlyList<IHistoryEntry<T>> items, (long, int) key)
    {
        int lo = 0, hi = items.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (items[mid].Key.CompareTo(key) < 0) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>First index whose key is &gt; <paramref name="key"/>.</summary>
    private static int UpperBound<T>(IReadOnlyList<IHistoryEntry<T>> items, (long, int) key)
    {
        int lo = 0, hi = items.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (items[mid].Key.CompareTo(key) <= 0) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
