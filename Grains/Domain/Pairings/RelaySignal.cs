using System.Collections.Concurrent;

namespace Moltnet.Grains.Domain.Pairings;

/// <summary>Wakes a pairing's outbox loop when a local send queued a relay, so delivery does not wait for the next poll.
/// In-process only: relays queued on another replica are found by the owner's poll (<c>relay.poll_interval</c>).</summary>
public sealed class RelaySignal
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public void Signal(string pairingId)
    {
        var gate = Gate(pairingId);
        if (gate.CurrentCount > 0) return;
        try
        {
            gate.Release();
        }
        catch (SemaphoreFullException)
        {
            // already signalled
        }
    }

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public Task<bool> WaitAsync(string pairingId, TimeSpan timeout, CancellationToken ct) => Gate(pairingId).WaitAsync(timeout, ct);

    private SemaphoreSlim Gate(string pairingId) => _gates.GetOrAdd(pairingId, static _ => new SemaphoreSlim(0, 1));
}
