using Moltnet.Cluster;

namespace Moltnet.Web.Attach;

/// <summary>Cumulative ACKs and wake tracking (improvements.md server 6 and 7). Every sent event gets a sequence number;
/// <c>ACK {cursor}</c> acknowledges that event and all earlier ones, a repeated ACK is harmless, an ACK of a cursor never
/// sent ends the session. A wake (a DM for the agent or a mention of it) is pending until acknowledged: the ACK appends
/// <c>agent.wake.delivered</c>; no ACK within <see cref="AttachOptions.WakeAckTimeout"/>, or the session ending through the
/// client or the connection, appends <c>agent.wake.failed</c> — once per wake. When several sessions of the agent receive
/// the same wake (on this replica or others), only the one that claims it first (<see cref="IWakeClaims"/>) tracks it.</summary>
public sealed partial class AttachSession
{
    private readonly Lock _acks = new();
    private long _sequence;
    private long _acknowledged;
    private Dictionary<string, long>? _sent;
    private Queue<string>? _sentOrder;
    private List<PendingWake>? _wakes;
    private bool _wakesClosed;

    private sealed class PendingWake(long sequence, Message message, string reason)
    {
        public long Sequence { get; } = sequence;
        public Message Message { get; } = message;
        public string Reason { get; } = reason;
        public ITimer? Timer { get; set; }
    }

    /// <summary>Claims the wake of <paramref name="message"/> for this session; false when another session already did.
    /// If the claim cannot be recorded the session tracks the wake anyway: a duplicate outcome beats a lost one.</summary>
    private async Task<bool> ClaimWakeAsync(Message message, CancellationToken ct)
    {
        try
        {
            return await _g.WakeClaims.TryClaimAsync(AgentId!, message.Id, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            AttachLog.ClaimFailed(_g.Log, AgentId!, message.Id, e);
            return true;
        }
    }

    /// <summary>Records a sent event (and its wake) before it is queued, so an ACK can never outrun it.</summary>
    private void Track(Event e, string? wakeReason)
    {
        lock (_acks)
        {
            var sequence = ++_sequence;
            _sent ??= new Dictionary<string, long>(StringComparer.Ordinal);
            _sentOrder ??= new Queue<string>();
            if (_sent.TryAdd(e.Id, sequence)) _sentOrder.Enqueue(e.Id);
            while (_sentOrder.Count > _g.Options.AckWindow) _sent.Remove(_sentOrder.Dequeue());
            if (wakeReason is null || e.Message is null || _wakesClosed) return;
            var wake = new PendingWake(sequence, e.Message, wakeReason);
            (_wakes ??= []).Add(wake);
            wake.Timer = _g.Time.CreateTimer(static state =>
            {
                var (session, w) = ((AttachSession, PendingWake))state!;
                session.WakeTimedOut(w);
            }, (this, wake), _g.Options.WakeAckTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Applies a cumulative ACK; false for a cursor this session never sent.</summary>
    private async Task<bool> AckAsync(string? cursor)
    {
        List<PendingWake>? delivered = null;
        lock (_acks)
        {
            if (cursor is null || _sent is null || !_sent.TryGetValue(cursor, out var sequence)) return false;
            if (sequence <= _acknowledged) return true;
            _acknowledged = sequence;
            if (_wakes is { Count: > 0 })
            {
                delivered = _wakes.Where(w => w.Sequence <= sequence).ToList();
                _wakes.RemoveAll(w => w.Sequence <= sequence);
            }
        }
        if (delivered is { Count: > 0 })
        {
            foreach (var w in delivered) w.Timer?.Dispose();
            await _g.AppendQuietlyAsync(delivered.Select(w => WakeEvent(EventTypes.AgentWakeDelivered, w, null)).ToList());
        }
        return true;
    }

    private void WakeTimedOut(PendingWake wake)
    {
        lock (_acks)
        {
            if (_wakesClosed || _wakes is null || !_wakes.Remove(wake)) return;
        }
        wake.Timer?.Dispose();
        var error = $"wake not acknowledged within {_g.Options.WakeAckTimeout.TotalSeconds:0.###}s";
        _ = _g.AppendQuietlyAsync([WakeEvent(EventTypes.AgentWakeFailed, wake, error)]);
    }

    /// <summary>At the end of the session: pending wakes fail with the cause, unless the server ended it (shutdown, removal).</summary>
    private async Task FinishWakesAsync(Ending ending)
    {
        List<PendingWake> pending;
        lock (_acks)
        {
            _wakesClosed = true;
            pending = _wakes ?? [];
            _wakes = null;
        }
        foreach (var w in pending) w.Timer?.Dispose();
        if (!ending.FailWakes || pending.Count == 0) return;
        var error = ending.Error ?? ending.Reason;
        await _g.AppendQuietlyAsync(pending.Select(w => WakeEvent(EventTypes.AgentWakeFailed, w, error)).ToList());
    }

    private Event WakeEvent(string type, PendingWake wake, string? error) => _g.NewEvent(type, _g.AgentPayload(AgentId!, _displayName) with
    {
        MessageId = wake.Message.Id,
        Reason = wake.Reason,
        Target = wake.Message.Target,
        Error = error,
    });
}
