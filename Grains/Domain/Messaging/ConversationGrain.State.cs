using Moltnet.Grains.Domain.Messaging;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Messaging;

internal sealed partial class ConversationGrain
{
    private (string Kind, string Id) Key
    {
        get
        {
            var colon = GrainKey.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? ("", GrainKey) : (GrainKey[..colon], GrainKey[(colon + 1)..]);
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        if (_loaded && !_invalidated) return;
        _invalidated = false;
        var (kind, id) = Key;
        if (kind == TargetKind.Thread && Ids.IsValid(id)) _thread = await store.ReadThreadAsync(id, ct);
        if (kind == TargetKind.Dm && Ids.IsValid(id)) _dm = await store.ReadDmAsync(id, ct);
        _loaded = true;
    }

    /// <summary>The DM target after the step-8 rewrite, checked against the sender and the existing participants.</summary>
    private Target DmTarget(Target target, Actor sender)
    {
        var participants = MessageValidator.NormalizeParticipants(target.ParticipantIds);
        var (senderNet, senderAgent) = Policy.SenderOf(sender);
        if (participants.Any(Ids.IsQualified))
        {
            // Step 8: qualified forms become net:id; the sender's own bare entry is qualified; other bare entries drop.
            participants = participants
                .Select(p => Ids.IsQualified(p) ? Qualify(p) : p == senderAgent && senderNet == net.NetworkId ? $"{senderNet}:{p}" : null)
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .ToList();
        }
        if (!participants.Any(p => IsSender(p, senderNet, senderAgent)))
            throw MoltnetException.Forbidden($"sender \"{sender.Id}\" is not a participant of direct conversation \"{target.DmId}\"");
        participants.Sort(StringComparer.Ordinal);
        if (_dm is { } existing && !(existing.Value.ParticipantIds ?? []).SequenceEqual(participants))
            throw MoltnetException.Conflict($"participants of direct conversation \"{existing.Value.Id}\" cannot change");
        return target with { DmId = target.DmId!.Trim(), ParticipantIds = participants };
    }

    private string Qualify(string member)
    {
        var (n, a) = Ids.SplitMember(member, net.NetworkId);
        return $"{n}:{a}";
    }

    private bool IsSender(string participant, string senderNet, string senderAgent)
    {
        var (n, a) = Ids.SplitMember(participant, net.NetworkId);
        return a == senderAgent && n == senderNet;
    }

    private MessageWrite BuildWrite(Message message)
    {
        var events = new List<Event>();
        Versioned<ThreadInfo>? thread = null;
        Versioned<DirectConversation>? dm = null;
        if (message.Target.Kind == TargetKind.Thread)
        {
            var current = _thread?.Value ?? new ThreadInfo
            {
                Id = message.Target.ThreadId!,
                NetworkId = net.NetworkId,
                Fqid = net.Fqid("threads", message.Target.ThreadId!),
                RoomId = message.Target.RoomId!,
                ParentMessageId = message.Target.ParentMessageId,
            };
            var next = current with { MessageCount = current.MessageCount + 1, LastMessageAt = message.CreatedAt };
            thread = new Versioned<ThreadInfo>(next, _thread?.Version ?? 0);
            if (_thread is null) events.Add(net.NewEvent(EventTypes.ThreadCreated, message.CreatedAt) with { Thread = next });
        }
        if (message.Target.Kind == TargetKind.Dm)
        {
            var current = _dm?.Value ?? new DirectConversation
            {
                Id = message.Target.DmId!,
                NetworkId = net.NetworkId,
                Fqid = net.Fqid("dms", message.Target.DmId!),
                ParticipantIds = message.Target.ParticipantIds,
            };
            var next = current with { MessageCount = current.MessageCount + 1, LastMessageAt = message.CreatedAt };
            dm = new Versioned<DirectConversation>(next, _dm?.Version ?? 0);
            if (_dm is null) events.Add(net.NewEvent(EventTypes.DmCreated, message.CreatedAt) with { Dm = next });
        }
        events.Add(new Event
        {
            Id = Ids.MessageEventId(message.Id),
            Type = EventTypes.MessageCreated,
            NetworkId = net.NetworkId,
            Message = message,
            CreatedAt = message.CreatedAt,
        });
        return new MessageWrite
        {
            Message = message,
            Artifacts = ArtifactExtractor.Extract(message),
            Thread = thread,
            Dm = dm,
            Events = events,
            // Relays commit with the message: nothing accepted here can miss its relay (design §5).
            Outbox = Pairings.RelayPlanner.Plan(message, net.NetworkId, net.Config.Pairings),
        };
    }

    /// <summary>Network aliases for <c>@alias:agent</c> mentions: local id and name, and each pairing's names.</summary>
    private List<MentionResolver.NetworkAlias> Aliases()
    {
        var list = new List<MentionResolver.NetworkAlias>
        {
            new(net.NetworkId, net.NetworkId),
            new(net.Config.Network.Name, net.NetworkId),
        };
        foreach (var p in net.Config.Pairings)
        {
            list.Add(new(p.Id, p.RemoteNetworkId));
            list.Add(new(p.RemoteNetworkId, p.RemoteNetworkId));
            if (p.RemoteNetworkName.Length > 0) list.Add(new(p.RemoteNetworkName, p.RemoteNetworkId));
        }
        return list;
    }
}
