using Microsoft.Extensions.Logging;
using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

public sealed partial class MemoryStore
{
    private readonly List<StoredEvent> _events = [];
    private readonly Dictionary<string, long> _eventIds = new(StringComparer.Ordinal);
    private long _lastCursor;

    public Task<IReadOnlyList<StoredEvent>> AppendEventsAsync(IReadOnlyList<Event> events, CancellationToken ct) =>
        Write<IReadOnlyList<StoredEvent>>(() =>
        {
            StoreRules.CheckEvents(events);
            CheckNewEvents(events);
            return CommitEvents(events);
        }, ct);

    public Task<long?> FindEventCursorAsync(string eventId, CancellationToken ct) =>
        Locked(() => _eventIds.TryGetValue(eventId, out var c) ? c : (long?)null, ct);

    public Task<IReadOnlyList<StoredEvent>> ReadEventsAfterAsync(long afterCursor, int limit, CancellationToken ct) =>
        ReadEventsAsync(afterCursor, long.MaxValue, limit, ct);

    public Task<long> DurableEventCursorAsync(CancellationToken ct) => Locked(() => _lastCursor, ct);

    public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(long afterCursor, long upToCursor, int limit, CancellationToken ct) =>
        Locked<IReadOnlyList<StoredEvent>>(() =>
        {
            int lo = 0, hi = _events.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_events[mid].Cursor <= afterCursor) lo = mid + 1; else hi = mid;
            }
            var end = lo;
            while (end < _events.Count && end - lo < limit && _events[end].Cursor <= upToCursor) end++;
            return _events.GetRange(lo, end - lo);
        }, ct);

    public Task<(StoredEvent? Oldest, StoredEvent? Newest)> EventBoundsAsync(CancellationToken ct) =>
        Locked<(StoredEvent?, StoredEvent?)>(() => _events.Count == 0 ? (null, null) : (_events[0], _events[^1]), ct);

    public Task<int> PruneEventsAsync(DateTimeOffset cutoff, CancellationToken ct) => Write(() => _events.RemoveAll(e =>
    {
        if (e.Event.CreatedAt >= cutoff) return false;
        _eventIds.Remove(e.Event.Id);
        return true;
    }), ct);

    /// <summary>Throws when an event id is already in the log (the caller holds the lock).</summary>
    private void CheckNewEvents(IReadOnlyList<Event> events)
    {
        foreach (var e in events)
        {
            if (_eventIds.ContainsKey(e.Id)) throw StoreRules.DuplicateEvent(e.Id);
        }
    }

    /// <summary>Appends checked events and tells the sink (the caller holds the lock).</summary>
    private StoredEvent[] CommitEvents(IReadOnlyList<Event> events)
    {
        if (events.Count == 0) return [];
        var stored = new StoredEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            stored[i] = new StoredEvent(++_lastCursor, events[i]);
            _events.Add(stored[i]);
            _eventIds[events[i].Id] = stored[i].Cursor;
        }
        try
        {
            Sink?.OnCommitted(stored);
        }
        catch (Exception ex)
        {
            StoreLog.SinkFailed(_logger, ex);
        }
        return stored;
    }
}
