using Moltnet.Configuration;
using Moltnet.Runtime;

namespace Moltnet.Web.Attach;

/// <summary>Which events one attachment receives (improvements.md server 4): messages and threads of rooms its agent is a
/// member of (or public rooms when public read is on), DMs it takes part in, room events of those rooms, its own agent
/// events and replay gaps. Observe/admin credentials see everything. DM events vanish when DMs are off.
/// <para>Room membership is cached per session and refreshed from the room events of the stream itself, which come in log
/// order before any message that depends on them.</para></summary>
internal sealed class AttachScope(IGrainFactory grains, MoltnetConfig config, string agentId, string? displayName, bool seesAll)
{
    private readonly string _network = config.Network.Id;
    private readonly bool _publicRead = config.Auth.Mode == AuthModes.Open || config.Auth.PublicRead;
    private Dictionary<string, RoomView?>? _rooms;

    /// <summary>A room as this session last saw it, with its membership worked out once per room change.</summary>
    private sealed record RoomView(Room Room, bool Member);

    public async ValueTask<bool> VisibleAsync(Event e, CancellationToken ct)
    {
        if (!config.Server.DirectMessages && IsDm(e)) return false;
        switch (e.Type)
        {
            case EventTypes.RoomCreated or EventTypes.RoomMembersUpdated when e.Room is { } room:
            {
                var wasMember = (await CachedRoomAsync(room.Id, ct))?.Member == true;
                var view = Rooms[room.Id] = View(room);
                return seesAll || wasMember || Readable(view);
            }
            case EventTypes.RoomRemoved when e.Room is { } removed:
                Rooms[removed.Id] = null;
                return seesAll || Readable(View(removed));
        }
        if (seesAll) return true;
        return e.Type switch
        {
            EventTypes.StreamReplayGap => true,
            EventTypes.MessageCreated => e.Message is { } m && await MessageVisibleAsync(m, ct),
            EventTypes.ThreadCreated => e.Thread is { } t && Readable(await CachedRoomAsync(t.RoomId, ct)),
            EventTypes.DmCreated => e.Dm?.ParticipantIds?.Any(IsMe) == true,
            _ when e.Agent is { } a => a.NetworkId == _network && a.AgentId == agentId,
            _ => false,
        };
    }

    /// <summary>Whether a message should wake this agent, and why (spec §3 wake reason); null when it should not. The agent's
    /// own messages never wake it.</summary>
    public string? WakeReason(Message m)
    {
        if (IsSender(m.From)) return null;
        if (m.Target.Kind == TargetKind.Dm)
            return m.Target.ParticipantIds?.Any(IsMe) == true ? "dm" : null;
        return m.Mentions?.Any(c => IsMe(c) || (displayName is not null && c == displayName)) == true ? "mention" : null;
    }

    private Dictionary<string, RoomView?> Rooms => _rooms ??= new(StringComparer.Ordinal);

    private async ValueTask<bool> MessageVisibleAsync(Message m, CancellationToken ct) => m.Target.Kind == TargetKind.Dm
        ? m.Target.ParticipantIds?.Any(IsMe) == true || IsSender(m.From)
        : Readable(await CachedRoomAsync(m.Target.RoomId, ct));

    private async ValueTask<RoomView?> CachedRoomAsync(string? roomId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(roomId)) return null;
        if (Rooms.TryGetValue(roomId, out var view)) return view;
        var room = await grains.GetGrain<IRoomGrain>(roomId).FindAsync(ct);
        return Rooms[roomId] = room is null ? null : View(room);
    }

    private RoomView View(Room room) => new(room, room.Members?.Any(IsMe) == true);

    private bool Readable(RoomView? view) =>
        view is not null && (view.Member || (_publicRead && view.Room.Visibility == RoomVisibility.Public));

    private bool IsMe(string candidate) => Ids.ActorMatches(candidate, _network, agentId);

    private bool IsSender(Actor from) => from.Type != "human" && from.Id.Length > 0
        && (string.IsNullOrEmpty(from.NetworkId) || from.NetworkId == _network) && IsMe(from.Id);

    private static bool IsDm(Event e) =>
        e.Dm is not null || e.Message?.Target.Kind == TargetKind.Dm || e.Agent?.Target?.Kind == TargetKind.Dm;
}
