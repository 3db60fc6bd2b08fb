using Moltnet.Configuration;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Pairings;

/// <summary>Which pairings a newly stored message is relayed to, and the body each gets (spec §6 Relay): only messages
/// that originate here (so a relayed message is never relayed again: one hop, no loops); rooms and threads to every
/// pairing with a base URL; DMs only to pairings whose remote network appears among the participants.</summary>
public static class RelayPlanner
{
    public static IReadOnlyList<OutboxEntry> Plan(Message message, string localNetwork, IReadOnlyList<PairingConfig> pairings)
    {
        if (pairings.Count == 0 || message.Origin.NetworkId != localNetwork) return [];
        var entries = new List<OutboxEntry>();
        foreach (var pairing in pairings)
        {
            if (pairing.RemoteBaseUrl.Length == 0) continue;
            var target = message.Target.Kind == TargetKind.Dm ? DmTarget(message, localNetwork, pairing.RemoteNetworkId) : message.Target;
            if (target is null) continue;
            entries.Add(new OutboxEntry(pairing.Id, Body(message, target)));
        }
        return entries;
    }

    /// <summary>The DM target as the remote sees it, or null when the DM does not concern the remote network.</summary>
    private static Target? DmTarget(Message message, string localNetwork, string remoteNetwork)
    {
        var participants = message.Target.ParticipantIds ?? [];
        var involvesRemote = participants.Any(p => Ids.IsQualified(p) && Ids.SplitMember(p, localNetwork).Network == remoteNetwork);
        if (!involvesRemote) return null;
        var (senderNet, senderAgent) = (message.From.NetworkId ?? localNetwork, Ids.SplitMember(message.From.Id, localNetwork).Agent);
        var rewritten = participants
            .Select(p =>
            {
                if (Ids.IsQualified(p))
                {
                    var (n, a) = Ids.SplitMember(p, localNetwork);
                    return $"{n}:{a}";
                }
                return p == senderAgent ? $"{senderNet}:{p}" : $"{remoteNetwork}:{p}";
            })
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return rewritten.Count < 2 ? null : message.Target with { ParticipantIds = rewritten };
    }

    private static string Body(Message message, Target target) => MoltnetJson.Serialize(new SendMessageRequest
    {
        Id = message.Id,
        Origin = message.Origin,
        Target = target,
        From = message.From,
        Parts = message.Parts,
        Mentions = message.Mentions,
    });
}
