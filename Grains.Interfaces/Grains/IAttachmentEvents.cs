using Moltnet.Wire;

namespace Moltnet.Grains;

/// <summary>What the attachment gateway records about its sessions: presence (who holds a live socket on this replica) and
/// the lifecycle and wake events that describe no stored state (<c>agent.connected</c>, <c>agent.disconnected</c>,
/// <c>agent.wake.delivered</c>, <c>agent.wake.failed</c>). Appended events reach every stream through the event log.</summary>
public interface IAttachmentEvents
{
    /// <summary>A session of <paramref name="agentId"/> became READY on this replica.</summary>
    void Connected(string agentId);

    /// <summary>A session of <paramref name="agentId"/> ended on this replica.</summary>
    void Disconnected(string agentId);

    /// <summary>Appends events to the durable log (commit order = cursor order).</summary>
    Task AppendAsync(IReadOnlyList<Event> events, CancellationToken ct);
}
