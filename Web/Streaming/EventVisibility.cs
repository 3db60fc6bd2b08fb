using Moltnet.Configuration;
using Moltnet.Runtime;

namespace Moltnet.Web.Streaming;

/// <summary>Which events a stream may carry: DM events vanish when DMs are off; callers without observe/admin see only
/// public-room events and gaps (spec §3 public filter).</summary>
public sealed class EventVisibility(MoltnetConfig config, IGrainFactory grains)
{
    /// <summary>Decodes the event only when the answer depends on more than its type: a caller who sees everything gets
    /// every event as the log stored it when DMs are on.</summary>
    public async ValueTask<bool> VisibleAsync(Caller caller, LoggedEvent logged, CancellationToken ct)
    {
        if (!config.Server.DirectMessages && IsDm(logged.Event)) return false;
        if (caller.SeesEverything) return true;
        if (logged.Type == EventTypes.StreamReplayGap) return true;
        var e = logged.Event;
        return e.Type switch
        {
            EventTypes.MessageCreated when e.Message?.Target.Kind is TargetKind.Room or TargetKind.Thread =>
                await IsPublicAsync(e.Message.Target.RoomId, ct),
            EventTypes.RoomCreated => e.Room?.Visibility == RoomVisibility.Public && await IsPublicAsync(e.Room.Id, ct),
            EventTypes.ThreadCreated => await IsPublicAsync(e.Thread?.RoomId, ct),
            EventTypes.RoomRemoved => e.Room?.Visibility == RoomVisibility.Public,
            _ => false,
        };
    }

    private static bool IsDm(Event e) =>
        e.Dm is not null || e.Message?.Target.Kind == TargetKind.Dm || e.Agent?.Target?.Kind == TargetKind.Dm;

    private async ValueTask<bool> IsPublicAsync(string? roomId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(roomId) || !(config.Auth.Mode == AuthModes.Open || config.Auth.PublicRead)) return false;
        var room = await grains.GetGrain<IRoomGrain>(roomId).FindAsync(ct);
        return room?.Visibility == RoomVisibility.Public;
    }
}
