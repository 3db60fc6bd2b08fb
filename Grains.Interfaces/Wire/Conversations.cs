namespace Moltnet.Wire;

/// <summary>A room. <see cref="Access"/> is set only on room reads.</summary>
public sealed record Room
{
    public required string Id { get; init; }
    public required string NetworkId { get; init; }
    public required string Fqid { get; init; }
    public required string Name { get; init; }
    public IReadOnlyList<string>? Members { get; init; }
    public string Visibility { get; init => field = value ?? RoomVisibility.Private; } = RoomVisibility.Private;
    public string WritePolicy { get; init => field = value ?? RoomWritePolicy.Members; } = RoomWritePolicy.Members;
    public RoomAccess? Access { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The caller's access to a room.</summary>
public sealed record RoomAccess(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool CanRead,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool CanWrite,
    string? Reason = null);

public static class RoomVisibility
{
    public const string Private = "private";
    public const string Public = "public";
    public static bool IsValid(string v) => v is Private or Public;
}

public static class RoomWritePolicy
{
    public const string Members = "members";
    public const string RegisteredAgents = "registered_agents";
    public const string Operators = "operators";
    public static bool IsValid(string v) => v is Members or RegisteredAgents or Operators;
}

/// <summary>A thread inside a room, created lazily by its first message.</summary>
public sealed record ThreadInfo
{
    public required string Id { get; init; }
    public required string NetworkId { get; init; }
    public required string Fqid { get; init; }
    public required string RoomId { get; init; }
    public string? ParentMessageId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public long MessageCount { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public DateTimeOffset LastMessageAt { get; init; }
}

/// <summary>A direct conversation between two or more participants.</summary>
public sealed record DirectConversation
{
    public required string Id { get; init; }
    public required string NetworkId { get; init; }
    public required string Fqid { get; init; }
    public IReadOnlyList<string>? ParticipantIds { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public long MessageCount { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public DateTimeOffset LastMessageAt { get; init; }
}
