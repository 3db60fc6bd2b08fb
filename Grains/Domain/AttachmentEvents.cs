using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain;

/// <summary>Presence in the <see cref="PresenceRegistry"/> and lifecycle/wake events appended to the log.</summary>
internal sealed class AttachmentEvents(PresenceRegistry presence, IMoltnetStore store) : IAttachmentEvents
{
    public void Connected(string agentId) => presence.Connected(agentId);

    public void Disconnected(string agentId) => presence.Disconnected(agentId);

    public async Task AppendAsync(IReadOnlyList<Event> events, CancellationToken ct)
    {
        if (events.Count > 0) await store.AppendEventsAsync(events, ct);
    }
}
