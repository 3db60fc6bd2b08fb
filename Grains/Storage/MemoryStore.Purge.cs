using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

public sealed partial class MemoryStore
{
    public Task PurgeRoomAsync(string roomId, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct) => Write(() =>
    {
        StoreRules.CheckExpected(expectedVersion);
        StoreRules.CheckEvents(events);
        CheckVersion("room", roomId, _rooms.GetValueOrDefault(roomId)?.Version ?? 0, expectedVersion);
        CheckNewEvents(events);
        _rooms.Remove(roomId);
        var threads = _threads.Values.Where(t => t.Value.RoomId == roomId).Select(t => t.Value.Id).ToList();
        foreach (var id in threads)
        {
            _threads.Remove(id);
            _histories.Remove((TargetKind.Thread, id));
            _artifactScopes.Remove((TargetKind.Thread, id));
        }
        _histories.Remove((TargetKind.Room, roomId));
        _artifactScopes.Remove((TargetKind.Room, roomId));
        foreach (var m in _messages.Values.Where(m => m.Value.Target.RoomId == roomId && m.Value.Target.Kind != TargetKind.Dm).ToList())
            _messages.Remove(m.Value.Id);
        foreach (var a in _artifacts.Values.Where(a => a.Value.Target.RoomId == roomId && a.Value.Target.Kind != TargetKind.Dm).ToList())
            _artifacts.Remove(a.Value.Id);
        _events.RemoveAll(e =>
        {
            if (!StoreRules.ConcernsRoom(e.Event, roomId)) return false;
            _eventIds.Remove(e.Event.Id);
            return true;
        });
        CommitEvents(events);
        return 0L;
    }, ct);
}
