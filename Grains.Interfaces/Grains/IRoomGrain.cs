using Moltnet.Runtime;
using Moltnet.Wire;

namespace Moltnet.Grains;

/// <summary>One room, keyed by room id: its settings and members.</summary>
public interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>Creates the room (422 on bad input, 409 if the id exists, removed rooms included); emits <c>room.created</c>.</summary>
    ValueTask<Room> CreateAsync(CreateRoomRequest request, CancellationToken ct = default);

    /// <summary>The room with the caller's access (404 unknown or removed, 403 unreadable).</summary>
    ValueTask<Room> GetAsync(Caller caller, CancellationToken ct = default);

    /// <summary>The room without access checks, or null when unknown or removed.</summary>
    ValueTask<Room?> FindAsync(CancellationToken ct = default);

    /// <summary>Adds then removes members; emits <c>room.members.updated</c> only when the set changed.</summary>
    ValueTask<Room> UpdateMembersAsync(UpdateMembersRequest request, CancellationToken ct = default);

    /// <summary>Soft-removes the room; emits <c>room.removed</c> with the room as it was.</summary>
    ValueTask<RemoveResult> RemoveAsync(CancellationToken ct = default);

    /// <summary>Brings a soft-removed room back (members start empty); emits <c>room.created</c>. 409 if it is not removed.</summary>
    ValueTask<Room> RestoreAsync(CancellationToken ct = default);

    /// <summary>Deletes the room (live or removed) for good with its history, so its id can be created again.</summary>
    ValueTask<RemoveResult> PurgeAsync(CancellationToken ct = default);

    /// <summary>Creates the room or overwrites its name and policies, replacing members when asked (apply, declared rooms).</summary>
    ValueTask<Room> ApplyAsync(CreateRoomRequest declaration, bool replaceMembers, CancellationToken ct = default);

    /// <summary>Removes one member if present (agent removal); true when the set changed.</summary>
    ValueTask<bool> DropMemberAsync(string member, CancellationToken ct = default);
}
