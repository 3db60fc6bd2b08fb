using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

// Purging a room: its row at the expected version, its messages, artifacts, threads, members and events.
public abstract partial class RelationalStore
{
    /// <summary>Deletes the events about room <c>@p0</c> (its room, thread and room/thread message events); the JSON
    /// path syntax is the dialect's.</summary>
    private protected abstract string DeleteRoomEventsSql { get; }

    public Task PurgeRoomAsync(string roomId, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct) => Guarded(() =>
    {
        StoreRules.CheckExpected(expectedVersion);
        var prepared = PreparedEvent.From(events);
        return WriteSqlAsync(s =>
        {
            s.DeleteVersioned("room", roomId, expectedVersion, "SELECT 1 FROM rooms WHERE id = @p0",
                "DELETE FROM rooms WHERE id = @p0 AND version = @p1", [roomId]);
            s.Defer("DELETE FROM artifacts WHERE room_id = @p0", roomId);
            s.Defer("DELETE FROM messages WHERE room_id = @p0 AND target_kind IN ('room', 'thread')", roomId);
            s.Defer("DELETE FROM threads WHERE room_id = @p0", roomId);
            s.Defer("DELETE FROM room_members WHERE room_id = @p0", roomId);
            s.Defer(DeleteRoomEventsSql, roomId);
            s.AppendEvents(prepared);
            return 0L;
        }, ct);
    });
}
