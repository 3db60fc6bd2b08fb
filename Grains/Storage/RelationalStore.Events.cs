using Moltnet.Wire;
using static Moltnet.Grains.Storage.RelationalSchema;

namespace Moltnet.Grains.Storage;

// The durable event log. Cursors are strictly increasing in commit order and never reused; the writer session allocates
// them (SQLite: INTEGER PRIMARY KEY AUTOINCREMENT with one writer; PostgreSQL: the event_counter row, locked at commit,
// so they are gap-free across replicas, and the counter outlives pruning).
public abstract partial class RelationalStore
{
    public Task<IReadOnlyList<StoredEvent>> AppendEventsAsync(IReadOnlyList<Event> events, CancellationToken ct) => Guarded(() =>
    {
        var prepared = PreparedEvent.From(events);
        if (prepared.Length == 0) return Task.FromResult<IReadOnlyList<StoredEvent>>([]);
        return WriteSqlAsync<IReadOnlyList<StoredEvent>>(s => s.AppendEvents(prepared), ct);
    });

    public Task<long?> FindEventCursorAsync(string eventId, CancellationToken ct) => ReadSqlAsync(async c =>
        await c.ScalarAsync("SELECT cursor FROM events WHERE id = @p0", eventId) as long?, ct);

    public Task<IReadOnlyList<StoredEvent>> ReadEventsAfterAsync(long afterCursor, int limit, CancellationToken ct) =>
        ReadEventsAsync(afterCursor, long.MaxValue, limit, ct);

    public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(long afterCursor, long upToCursor, int limit, CancellationToken ct)
    {
        if (limit <= 0 || upToCursor <= afterCursor) return Task.FromResult<IReadOnlyList<StoredEvent>>([]);
        return ReadSqlAsync<IReadOnlyList<StoredEvent>>(async c => await c.QueryAsync(
            "SELECT cursor, id, type, payload_json FROM events WHERE cursor > @p0 AND cursor <= @p1 ORDER BY cursor LIMIT @p2", ReadEvent,
            afterCursor, upToCursor, limit), ct);
    }

    /// <summary>SQLite commits durably (<c>synchronous=FULL</c>) before anyone reads: the newest cursor is durable.</summary>
    public virtual Task<long> DurableEventCursorAsync(CancellationToken ct) => ReadSqlAsync(async c =>
        await c.ScalarAsync("SELECT max(cursor) FROM events") is long newest ? newest : 0L, ct);

    public Task<(StoredEvent? Oldest, StoredEvent? Newest)> EventBoundsAsync(CancellationToken ct) => ReadSqlAsync(async c =>
    {
        // One statement, one snapshot.
        var rows = await c.QueryAsync(
            "SELECT cursor, id, type, payload_json FROM events WHERE cursor = (SELECT min(cursor) FROM events) " +
            "OR cursor = (SELECT max(cursor) FROM events) ORDER BY cursor", ReadEvent);
        return rows.Count == 0 ? ((StoredEvent?)null, (StoredEvent?)null) : (rows[0], rows[^1]);
    }, ct);

    public Task<int> PruneEventsAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var text = StoreTime.ToText(cutoff);
        return WriteSqlAsync(s => s.Execute("DELETE FROM events WHERE created_at < @p0", text), ct);
    }
}
