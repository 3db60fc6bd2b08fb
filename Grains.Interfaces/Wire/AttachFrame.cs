namespace Moltnet.Wire;

/// <summary>One frame of the native attachment protocol (<c>moltnet.attach.v1</c>).</summary>
public sealed record AttachFrame
{
    public string Op { get; init; } = "";
    public string? Version { get; init; }
    public int? HeartbeatIntervalMs { get; init; }
    public string? NetworkId { get; init; }
    public Actor? Agent { get; init; }
    public string? AgentId { get; init; }
    public string? ActorUid { get; init; }
    public string? ActorUri { get; init; }
    public string? AgentToken { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public AttachCapabilities Capabilities { get; init; } = new();
    public string? Cursor { get; init; }
    public Event? Event { get; init; }
    public string? Error { get; init; }
}

/// <summary>What an attachment can handle; always emitted, fields omitted when false.</summary>
public sealed record AttachCapabilities(bool? Rooms = null, bool? Threads = null, bool? Dms = null, bool? Artifacts = null);

public static class AttachOps
{
    public const string Hello = "HELLO";
    public const string Identify = "IDENTIFY";
    public const string Ready = "READY";
    public const string Event = "EVENT";
    public const string Ack = "ACK";
    public const string Ping = "PING";
    public const string Pong = "PONG";
    public const string Error = "ERROR";
}
