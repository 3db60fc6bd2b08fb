using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

public sealed partial class PostgresStore
{
    public Task PurgeRoomAsync(string roomId, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct) => Guard(() =>
    {
        StoreRules.CheckExpected(expectedVersion);
        var prepared = PreparedEvent.From(events);
        return EnqueueAsync(s =>
        {
            s.DeleteVersioned("room", roomId, expectedVersion, "SELECT 1 FROM rooms WHERE id = @p0",
                "DELETE FROM rooms WHERE id = @p0 AND version = @p1", [roomId]);
            s.Defer("DELETE FROM artifacts WHERE room_id = @p0", roomId);
            s.Defer("DELETE FROM messages WHERE room_id = @p0 AND target_kind IN ('room', 'thread')", roomId);
            s.Defer("DELETE FROM threads WHERE room_id = @p0", roomId);
            s.Defer("DELETE FROM room_members WHERE room_id = @p0", roomId);
            s.Defer("""
                DELETE FROM events WHERE payload_json::jsonb #>> '{room,id}' = @p0
                    OR payload_json::jsonb #>> '{thread,room_id}' = @p0
                    OR (payload_json::jsonb #>> '{message,target,room_id}' = @p0
                        AND payload_json::jsonb #>> '{message,target,kind}' IN ('room', 'thread'))
                """, roomId);
            s.AppendEvents(prepared);
            return 0L;
        }, ct);
    });
}
