namespace Moltnet.Wire;

/// <summary>One frame of the native attachment protocol (<c>moltnet.attach.v1</c>).</summary>
public sealed record AttachFrame
{
    public string Op { get; init => field = value ?? ""; } = "";
    public string? Version { get; init; }
    public int? HeartbeatIntervalMs { get; init; }
    public string? NetworkId { get; init; }
    public Actor? Agent { get; init; }
    public string? AgentId { get; init; }
    public string? ActorUid { get; init; }
    public string? ActorUri { get; init; }
    public string? AgentToken { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public AttachCapabilities Capabilities { get; init => field = value ?? new(); } = new();
    public string? Cursor { get; init; }
    public Event? Event { get; init; }
    public string? Error { get; init; }
}

/// <summary>What an attachment can handle; always emitted, fields omitted when false (<c>false</c> is stored as null).</summary>
public sealed record AttachCapabilities(bool? Rooms = null, bool? Threads = null, bool? Dms = null, bool? Artifacts = null)
{
    public bool? Rooms { get; init => field = OnlyTrue(value); } = OnlyTrue(Rooms);
    public bool? Threads { get; init => field = OnlyTrue(value); } = OnlyTrue(Threads);
    public bool? Dms { get; init => field = OnlyTrue(value); } = OnlyTrue(Dms);
    public bool? Artifacts { get; init => field = OnlyTrue(value); } = OnlyTrue(Artifacts);

    private static bool? OnlyTrue(bool? value) => value is true ? true : null;
}

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
