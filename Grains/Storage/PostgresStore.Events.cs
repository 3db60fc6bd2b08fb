using Npgsql;
using Moltnet.Wire;
using static Moltnet.Grains.Storage.RelationalSchema;

namespace Moltnet.Grains.Storage;

// The durable event log: cursors come from the event_counter row, locked at commit (PostgresWriteSession), so they are gap-free
// and commit-ordered across replicas, and never reused (the counter outlives pruning).
public sealed partial class PostgresStore
{
    public Task<IReadOnlyList<StoredEvent>> AppendEventsAsync(IReadOnlyList<Event> events, CancellationToken ct) => Guard(() =>
    {
        var prepared = PreparedEvent.From(events);
        if (prepared.Length == 0) return Task.FromResult<IReadOnlyList<StoredEvent>>([]);
        return EnqueueAsync<IReadOnlyList<StoredEvent>>(s => s.AppendEvents(prepared), ct);
    });

    public Task<long?> FindEventCursorAsync(string eventId, CancellationToken ct) => ReadAsync(async c =>
        await PostgresSetup.ScalarAsync(c, "SELECT cursor FROM events WHERE id = @p0", eventId) as long?, ct);

    public Task<IReadOnlyList<StoredEvent>> ReadEventsAfterAsync(long afterCursor, int limit, CancellationToken ct)
    {
        if (limit <= 0) return Task.FromResult<IReadOnlyList<StoredEvent>>([]);
        return ReadAsync<IReadOnlyList<StoredEvent>>(async c => await PostgresSetup.QueryAsync(c,
            "SELECT cursor, payload_json FROM events WHERE cursor > @p0 ORDER BY cursor LIMIT @p1", ReadEvent, afterCursor, limit), ct);
    }

    public Task<(StoredEvent? Oldest, StoredEvent? Newest)> EventBoundsAsync(CancellationToken ct) => ReadAsync(async c =>
    {
        // One statement, one snapshot.
        var rows = await PostgresSetup.QueryAsync(c,
            "SELECT cursor, payload_json FROM events WHERE cursor = (SELECT min(cursor) FROM events) " +
            "OR cursor = (SELECT max(cursor) FROM events) ORDER BY cursor", ReadEvent);
        return rows.Count == 0 ? ((StoredEvent?)null, (StoredEvent?)null) : (rows[0], rows[^1]);
    }, ct);

    public Task<int> PruneEventsAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var text = StoreTime.ToText(cutoff);
        return EnqueueAsync(s => s.Execute("DELETE FROM events WHERE created_at < @p0", text), ct);
    }

}
