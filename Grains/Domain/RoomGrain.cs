using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain;

/// <summary>One room: settings and members, persisted with a version check. Its events commit with its state.</summary>
internal sealed class RoomGrain(IMoltnetStore store, NetworkContext net) : Grain, IRoomGrain
{
    private Versioned<RoomState>? _state;

    public override async Task OnActivateAsync(CancellationToken ct) => _state = await store.ReadRoomAsync(GrainKey, ct);

    public async ValueTask<Room> CreateAsync(CreateRoomRequest request, CancellationToken ct)
    {
        var id = RoomRules.ValidateCreate(request);
        await RefreshAsync(ct);
        if (_state is not null) throw MoltnetException.Conflict($"room \"{id}\" already exists");
        var room = RoomRules.Build(net, id, request, net.Now());
        await WriteAsync(new RoomState(room), [Event(EventTypes.RoomCreated, room, room.CreatedAt)], ct);
        return room;
    }

    public ValueTask<Room> GetAsync(Caller caller, CancellationToken ct)
    {
        var room = Existing();
        if (!net.CanRead(caller, room)) throw MoltnetException.Forbidden($"room {room.Id} is not readable");
        return ValueTask.FromResult(net.WithAccess(caller, room));
    }

    public ValueTask<Room?> FindAsync(CancellationToken ct) =>
        ValueTask.FromResult(_state is { Value.Removed: false } s ? s.Value.Room : null);

    public async ValueTask<Room> UpdateMembersAsync(UpdateMembersRequest request, CancellationToken ct)
    {
        var add = RoomRules.NormalizeMembers(request.Add, "add");
        var remove = RoomRules.NormalizeMembers(request.Remove, "remove");
        var room = Existing();
        var members = new SortedSet<string>(room.Members ?? [], StringComparer.Ordinal);
        var changed = false;
        foreach (var m in add) changed |= members.Add(m);
        foreach (var m in remove) changed |= members.Remove(m);
        if (!changed) return room;
        var updated = room with { Members = RoomRules.NullIfEmpty(members) };
        await WriteAsync(new RoomState(updated), [Event(EventTypes.RoomMembersUpdated, updated, updated.CreatedAt)], ct);
        return updated;
    }

    public async ValueTask<RemoveResult> RemoveAsync(CancellationToken ct)
    {
        var room = Existing();
        var now = net.Now();
        await WriteAsync(new RoomState(room with { Members = null }, now), [Event(EventTypes.RoomRemoved, room, now)], ct);
        return new RemoveResult(true, "room", room.Id);
    }

    public async ValueTask<Room> RestoreAsync(CancellationToken ct)
    {
        await RefreshAsync(ct);
        if (_state is null) throw MoltnetException.NotFound($"unknown room \"{GrainKey}\"");
        if (!_state.Value.Removed) throw MoltnetException.Conflict($"room \"{GrainKey}\" is not removed");
        var room = _state.Value.Room;
        await WriteAsync(new RoomState(room), [Event(EventTypes.RoomCreated, room, net.Now())], ct);
        return room;
    }

    public async ValueTask<RemoveResult> PurgeAsync(CancellationToken ct)
    {
        await RefreshAsync(ct);
        if (_state is null) throw MoltnetException.NotFound($"unknown room \"{GrainKey}\"");
        var room = _state.Value.Room;
        var events = _state.Value.Removed ? Array.Empty<Event>() : [Event(EventTypes.RoomRemoved, room, net.Now())];
        try
        {
            await store.PurgeRoomAsync(GrainKey, _state.Version, events, ct);
        }
        catch (StaleStateException)
        {
            await RefreshAsync(ct);
            throw MoltnetException.Conflict($"room \"{GrainKey}\" was changed concurrently; retry");
        }
        _state = null;
        return new RemoveResult(true, "room", GrainKey, "purge");
    }

    public async ValueTask<Room> ApplyAsync(CreateRoomRequest declaration, bool replaceMembers, CancellationToken ct)
    {
        var id = RoomRules.ValidateCreate(declaration);
        await RefreshAsync(ct);
        if (_state is null) return await CreateAsync(declaration, ct);
        if (_state.Value.Removed) throw MoltnetException.NotFound($"unknown room \"{id}\"");
        var current = _state.Value.Room;
        var declared = RoomRules.Build(net, id, declaration, current.CreatedAt);
        var updated = current with
        {
            Name = declared.Name,
            Visibility = declared.Visibility,
            WritePolicy = declared.WritePolicy,
            Members = replaceMembers ? declared.Members : current.Members,
        };
        if (updated != current) await WriteAsync(new RoomState(updated), [], ct);
        return updated;
    }

    public async ValueTask<bool> DropMemberAsync(string member, CancellationToken ct)
    {
        if (_state is not { Value.Removed: false } s || s.Value.Room.Members is not { } members || !members.Contains(member))
            return false;
        var updated = s.Value.Room with { Members = RoomRules.NullIfEmpty(members.Where(m => m != member).ToList()) };
        await WriteAsync(new RoomState(updated), [Event(EventTypes.RoomMembersUpdated, updated, updated.CreatedAt)], ct);
        return true;
    }

    private Room Existing() =>
        _state is { Value.Removed: false } s ? s.Value.Room : throw MoltnetException.NotFound($"unknown room \"{GrainKey}\"");

    private Event Event(string type, Room room, DateTimeOffset at) => net.NewEvent(type, at) with { Room = room };

    private async Task RefreshAsync(CancellationToken ct) => _state = await store.ReadRoomAsync(GrainKey, ct);

    private async Task WriteAsync(RoomState next, IReadOnlyList<Event> events, CancellationToken ct)
    {
        try
        {
            var version = await store.WriteRoomAsync(next, _state?.Version ?? 0, events, ct);
            _state = new Versioned<RoomState>(next, version);
        }
        catch (StaleStateException)
        {
            // Another replica changed the room: reload so the caller's retry sees the current state.
            await RefreshAsync(ct);
            throw MoltnetException.Conflict($"room \"{GrainKey}\" was changed concurrently; retry");
        }
    }
}
