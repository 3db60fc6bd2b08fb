namespace Moltnet.Wire;

/// <summary>A network event, as stored in the durable log and sent over SSE and attachments.</summary>
public sealed record Event
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string NetworkId { get; init; }
    public EventAgent? Agent { get; init; }
    public Message? Message { get; init; }
    public Room? Room { get; init; }
    public ThreadInfo? Thread { get; init; }
    public DirectConversation? Dm { get; init; }
    public Pairing? Pairing { get; init; }
    public ReplayGap? ReplayGap { get; init; }
    public EventNode? Node { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The agent payload of agent lifecycle and wake events. Field order is the wire order.</summary>
public sealed record EventAgent
{
    public required string AgentId { get; init; }
    public required string NetworkId { get; init; }
    public required string Fqid { get; init; }
    public string? Name { get; init; }
    public string? MessageId { get; init; }
    public string? Reason { get; init; }
    public Target? Target { get; init; }
    public string? Error { get; init; }
}

/// <summary>Sent when a requested cursor is older than the retained log or unknown.</summary>
public sealed record ReplayGap(string RequestedEventId, string? OldestEventId, string? NewestEventId);

public static class EventTypes
{
    public const string MessageCreated = "message.created";
    public const string ThreadCreated = "thread.created";
    public const string DmCreated = "dm.created";
    public const string RoomCreated = "room.created";
    public const string RoomMembersUpdated = "room.members.updated";
    public const string RoomRemoved = "room.removed";
    public const string AgentConnected = "agent.connected";
    public const string AgentDisconnected = "agent.disconnected";
    public const string AgentRemoved = "agent.removed";
    public const string AgentWakeDelivered = "agent.wake.delivered";
    public const string AgentWakeFailed = "agent.wake.failed";
    public const string PairingUpdated = "pairing.updated";
    public const string StreamReplayGap = "stream.replay_gap";
}
