using Moltnet.Wire;
using static Moltnet.Grains.Storage.RelationalSchema;

namespace Moltnet.Grains.Storage;

// Pairing statuses and the relay outbox.
public abstract partial class RelationalStore
{
    public Task<IReadOnlyList<Versioned<PairingState>>> ListPairingStatesAsync(CancellationToken ct) =>
        ReadSqlAsync<IReadOnlyList<Versioned<PairingState>>>(async c =>
            await c.QueryAsync($"SELECT {PairingStateColumns} FROM pairing_status ORDER BY pairing_id", ReadPairingStateRow), ct);

    public Task<long> WritePairingStateAsync(PairingState state, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct) => Guarded(() =>
    {
        StoreRules.CheckPairingState(state);
        StoreRules.CheckExpected(expectedVersion);
        var prepared = PreparedEvent.From(events);
        var row = PairingStateRow(state, expectedVersion + 1);
        return WriteSqlAsync(s =>
        {
            s.WriteVersioned("pairing", state.PairingId, expectedVersion, InsertPairingState, UpdatePairingState, row);
            s.AppendEvents(prepared);
            return expectedVersion + 1;
        }, ct);
    });

    public Task<IReadOnlyList<OutboxItem>> ReadOutboxAsync(string pairingId, int limit, CancellationToken ct) =>
        ReadSqlAsync<IReadOnlyList<OutboxItem>>(async c => await c.QueryAsync(SelectOutbox, ReadOutboxRow, pairingId, Math.Max(0, limit)), ct);

    public Task<bool> DeleteOutboxItemAsync(long id, CancellationToken ct) =>
        WriteSqlAsync(s => s.Execute(DeleteOutbox, id) == 1, ct);

    public Task<bool> RescheduleOutboxItemAsync(long id, int attempts, DateTimeOffset nextAttemptAt, string? lastError, CancellationToken ct) =>
        WriteSqlAsync(s => s.Execute(RescheduleOutbox, id, attempts, StoreTime.ToText(nextAttemptAt), lastError) == 1, ct);
}
