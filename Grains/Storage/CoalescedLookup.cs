namespace Moltnet.Grains.Storage;

/// <summary>
/// Coalesces concurrent point lookups ("is this key stored?") into one query: the first lookup runs at once; lookups
/// that arrive while a query is out wait for it and then go together in the next one (at most <see cref="MaxKeys"/>
/// keys). An idle server pays one query per lookup as before; a busy one pays one round trip per batch instead of one per
/// lookup, which is where a client-chosen message id's duplicate check spent most of a replica's database time.
/// </summary>
internal sealed class CoalescedLookup(Func<string[], CancellationToken, Task<IReadOnlyCollection<string>>> query)
{
    /// <summary>Most keys one query carries.</summary>
    public const int MaxKeys = 256;

    private readonly Lock _lock = new();
    private List<(string Key, TaskCompletionSource<bool> Found)> _waiting = [];
    private bool _querying;

    /// <summary>True when <paramref name="key"/> is stored. A failed query fails every lookup it carried.</summary>
    public Task<bool> ContainsAsync(string key, CancellationToken ct)
    {
        var found = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add((key, found));
            if (_querying) return found.Task.WaitAsync(ct);
            _querying = true;
        }
        _ = RunAsync(); // takes this key alone, now; it returns at the query's first await
        return found.Task.WaitAsync(ct);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            List<(string Key, TaskCompletionSource<bool> Found)> batch;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _querying = false;
                    return;
                }
                if (_waiting.Count <= MaxKeys)
                {
                    batch = _waiting;
                    _waiting = [];
                }
                else
                {
                    batch = _waiting.GetRange(0, MaxKeys);
                    _waiting.RemoveRange(0, MaxKeys);
                }
            }
            try
            {
                var stored = await query([.. batch.Select(w => w.Key).Distinct(StringComparer.Ordinal)], CancellationToken.None).ConfigureAwait(false);
                var set = stored as IReadOnlySet<string> ?? stored.ToHashSet(StringComparer.Ordinal);
                foreach (var (key, found) in batch) found.TrySetResult(set.Contains(key));
            }
            catch (Exception e)
            {
                foreach (var (_, found) in batch) found.TrySetException(e);
            }
        }
    }
}
