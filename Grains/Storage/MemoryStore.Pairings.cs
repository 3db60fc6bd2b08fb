using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

// Pairing statuses and the relay outbox.
public sealed partial class MemoryStore
{
    private readonly Dictionary<string, Versioned<PairingState>> _pairings = new(StringComparer.Ordinal);
    private readonly Dictionary<long, OutboxItem> _outbox = [];
    private long _lastOutboxId;

    public Task<IReadOnlyList<Versioned<PairingState>>> ListPairingStatesAsync(CancellationToken ct) =>
        Locked<IReadOnlyList<Versioned<PairingState>>>(() => [.. _pairings.Values.OrderBy(p => p.Value.PairingId, StringComparer.Ordinal)], ct);

    public Task<long> WritePairingStateAsync(PairingState state, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct) => Write(() =>
    {
        StoreRules.CheckPairingState(state);
        StoreRules.CheckExpected(expectedVersion);
        StoreRules.CheckEvents(events);
        CheckVersion("pairing", state.PairingId, _pairings.GetValueOrDefault(state.PairingId)?.Version ?? 0, expectedVersion);
        CheckNewEvents(events);
        _pairings[state.PairingId] = new(state with { ChangedAt = state.ChangedAt.ToUniversalTime() }, expectedVersion + 1);
        CommitEvents(events);
        return expectedVersion + 1;
    }, ct);

    public Task<IReadOnlyList<OutboxItem>> ReadOutboxAsync(string pairingId, int limit, CancellationToken ct) =>
        Locked<IReadOnlyList<OutboxItem>>(() =>
            [.. _outbox.Values.Where(o => o.PairingId == pairingId).OrderBy(o => o.Seq).ThenBy(o => o.Id).Take(Math.Max(0, limit))], ct);

    public Task<bool> DeleteOutboxItemAsync(long id, CancellationToken ct) => Write(() => _outbox.Remove(id), ct);

    public Task<bool> RescheduleOutboxItemAsync(long id, int attempts, DateTimeOffset nextAttemptAt, string? lastError, CancellationToken ct) => Write(() =>
    {
        if (!_outbox.TryGetValue(id, out var item)) return false;
        _outbox[id] = item with { Attempts = attempts, NextAttemptAt = nextAttemptAt.ToUniversalTime(), LastError = lastError };
        return true;
    }, ct);

    /// <summary>Queues a stored message's relays (under the lock, in the message's write).</summary>
    private void AddOutbox(MessageWrite write, Message message, long seq)
    {
        foreach (var entry in write.Outbox)
        {
            if (_outbox.Values.Any(o => o.PairingId == entry.PairingId && o.MessageId == message.Id)) continue;
            var id = ++_lastOutboxId;
            _outbox[id] = new OutboxItem
            {
                Id = id,
                PairingId = entry.PairingId,
                MessageId = message.Id,
                BodyJson = entry.BodyJson,
                Seq = seq,
                CreatedAt = message.CreatedAt.ToUniversalTime(),
            };
        }
    }
}
