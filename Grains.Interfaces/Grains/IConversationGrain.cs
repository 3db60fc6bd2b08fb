using Moltnet.Runtime;
using Moltnet.Wire;

namespace Moltnet.Grains;

/// <summary>One conversation, keyed <c>room:&lt;id&gt;</c>, <c>thread:&lt;id&gt;</c> or <c>dm:&lt;id&gt;</c>: posts to it run one at
/// a time, so every reader sees one order.</summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>Accepts a message (spec §2.5): checks in the spec's order, stores it durably, then answers.</summary>
    ValueTask<MessageAccepted> PostAsync(Caller caller, SendMessageRequest request, CancellationToken ct = default);
}

/// <summary>The grain key of a message's conversation; unroutable targets get a key that only fails validation.</summary>
public static class ConversationKey
{
    public static string For(Target? target) => target?.Kind switch
    {
        TargetKind.Room => "room:" + target.RoomId?.Trim(),
        TargetKind.Thread => "thread:" + target.ThreadId?.Trim(),
        TargetKind.Dm => "dm:" + target.DmId?.Trim(),
        _ => "invalid:",
    };
}
