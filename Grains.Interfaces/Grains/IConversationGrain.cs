using Moltnet.Runtime;
using Moltnet.Wire;

namespace Moltnet.Grains;

/// <summary>One conversation, keyed <c>room:&lt;id&gt;</c>, <c>thread:&lt;id&gt;</c> or <c>dm:&lt;id&gt;</c>: posts to it run one at
/// a time, so every reader sees one order.</summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>Accepts a message (spec §2.5): runs the checks in the spec's order and queues the durable write in this
    /// conversation's order, then ends its turn. <see cref="PendingMessage.Committed"/> completes once the write is committed,
    /// so concurrent posts to one conversation share a group commit instead of waiting for each other's fsync.</summary>
    ValueTask<PendingMessage> PostAsync(Caller caller, SendMessageRequest request, CancellationToken ct = default);
}

/// <summary>A message whose write is queued: answer the client only when <see cref="Committed"/> completes. (An in-process
/// handle; unlike Orleans results it is not serializable — the runtime here is in-process by design.)</summary>
public sealed record PendingMessage(Task<MessageAccepted> Committed);

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
