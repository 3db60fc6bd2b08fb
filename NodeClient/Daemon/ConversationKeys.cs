using Moltnet.Wire;

namespace Moltnet.NodeClient.Daemon;

/// <summary>Context ids, session keys and chat ids of a message's conversation (spec node-and-cli §2.7).</summary>
public static class ConversationKeys
{
    /// <summary><c>moltnet:&lt;net&gt;:room:&lt;id&gt;</c>, <c>:thread:&lt;id&gt;</c>, <c>:dm:&lt;id&gt;</c>, else <c>moltnet:&lt;net&gt;:&lt;message id&gt;</c>.</summary>
    public static string ContextId(string net, Message m) => "moltnet:" + Scope(net, m, m.Id);

    /// <summary>What runtimes see as <c>Chat ID</c>: <c>&lt;net&gt;:room:&lt;id&gt;</c>…, else <c>&lt;net&gt;:message:&lt;id&gt;</c>.</summary>
    public static string ChatId(string net, Message m) => Scope(net, m, "message:" + m.Id);

    /// <summary>CLI runtimes: <c>&lt;session_prefix | agent:&lt;agent&gt;&gt;:&lt;net&gt;:room:&lt;id&gt;</c>.</summary>
    public static string CliSessionKey(string sessionPrefix, string agentId, string net, Message m) =>
        (sessionPrefix.Length > 0 ? sessionPrefix : $"agent:{agentId}") + ":" + Scope(net, m, m.Id);

    private static string Scope(string net, Message m, string fallback) => m.Target switch
    {
        { Kind: TargetKind.Thread, ThreadId: { Length: > 0 } t } => $"{net}:thread:{t}",
        { Kind: TargetKind.Room, RoomId: { Length: > 0 } r } => $"{net}:room:{r}",
        { Kind: TargetKind.Dm, DmId: { Length: > 0 } d } => $"{net}:dm:{d}",
        _ => $"{net}:{fallback}",
    };
}
