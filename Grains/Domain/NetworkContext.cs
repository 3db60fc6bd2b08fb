using Moltnet.Configuration;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain;

/// <summary>Network-wide facts every grain needs: ids, settings, clock, and event construction.</summary>
public sealed class NetworkContext(MoltnetConfig config, TimeProvider time)
{
    public MoltnetConfig Config { get; } = config;
    public string NetworkId => Config.Network.Id;
    public TimeProvider Time { get; } = time;

    /// <summary>Public read is on (mode open forces it; mode none has no routing effect).</summary>
    public bool PublicRead => Config.Auth.Mode == AuthModes.Open || Config.Auth.PublicRead;

    public DateTimeOffset Now() => Time.GetUtcNow();

    public string Fqid(string kind, string id) => Ids.Fqid(NetworkId, kind, id);

    public Event NewEvent(string type, DateTimeOffset at) => new()
    {
        Id = Ids.NewEventId(),
        Type = type,
        NetworkId = NetworkId,
        CreatedAt = at,
    };

    public EventAgent AgentPayload(string agentId, string? name = null, string? reason = null)
    {
        var (net, agent) = Ids.SplitMember(agentId, NetworkId);
        return new EventAgent { AgentId = agentId, NetworkId = net, Fqid = Ids.Fqid(net, "agents", agent), Name = name, Reason = reason };
    }

    /// <summary>Whether the caller may read a room (spec §5.6).</summary>
    public bool CanRead(Caller caller, Room room) =>
        caller.SeesEverything || (PublicRead && room.Visibility == RoomVisibility.Public);

    /// <summary>The room as the caller sees it, with <c>access</c>.</summary>
    public Room WithAccess(Caller caller, Room room)
    {
        var canWrite = caller.ModeNone
            || (caller.Has(Scopes.Write) && (caller.Has(Scopes.Admin) || caller.Kind == CallerKind.StaticToken
                || room.WritePolicy != RoomWritePolicy.Operators));
        var reason = PublicRead && room.Visibility == RoomVisibility.Public
            ? $"public-read/{room.WritePolicy}-write"
            : $"private/{room.WritePolicy}-write";
        return room with { Access = new RoomAccess(CanRead(caller, room), canWrite, reason) };
    }
}
