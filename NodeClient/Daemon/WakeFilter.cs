using Moltnet.NodeClient.Configuration;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Daemon;

/// <summary>Which events wake an attachment's runtime (spec node-and-cli §2.6); everything else is ACKed at once.</summary>
public static class WakeFilter
{
    /// <summary>The message to wake with, or null to skip the event.</summary>
    public static Message? ShouldWake(Event e, NodeAttachment a, string networkId)
    {
        if (e.Type != EventTypes.MessageCreated || e.Message is not { } m) return null;
        if (m.NetworkId != networkId || IsSelf(m.From, a.Agent.Id, networkId)) return null;
        var target = m.Target;
        switch (target.Kind)
        {
            case TargetKind.Thread when a.Runtime.Kind == RuntimeKinds.OpenClaw:
                return null; // OpenClaw sessions are per room and DM; it ignores thread targets entirely.
            case TargetKind.Room or TargetKind.Thread:
                var binding = a.Rooms.FirstOrDefault(r => r.Id == target.RoomId);
                if (binding is null) return null;
                return binding.Wake switch
                {
                    WakeModes.All or "" => m,
                    WakeModes.ThreadOnly => target.Kind == TargetKind.Thread ? m : null,
                    WakeModes.Mentions => MentionsAgent(m, a, networkId) ? m : null,
                    _ => null,
                };
            case TargetKind.Dm:
                if (!a.Dms.Enabled || a.Dms.Wake is WakeModes.Never or WakeModes.ThreadOnly) return null;
                return target.ParticipantIds is { } ids && ids.Any(id => Names(a, networkId).Contains(id)) ? m : null;
            default:
                return null;
        }
    }

    /// <summary><c>from.id</c> is the agent itself in any id form.</summary>
    public static bool IsSelf(Actor from, string agentId, string networkId) =>
        from.Type != "human" && IdForms(agentId, networkId).Contains(from.Id);

    private static bool MentionsAgent(Message m, NodeAttachment a, string networkId) =>
        m.Mentions is { } mentions && mentions.Any(x => Names(a, networkId).Contains(x));

    private static string[] IdForms(string id, string net) => [id, $"{net}:{id}", $"molt://{net}/agents/{id}"];

    private static IEnumerable<string> Names(NodeAttachment a, string net) => IdForms(a.Agent.Id, net).Append(a.Agent.Name);
}
