namespace Moltnet.Wire;

/// <summary>Who sent a message. <c>type == "human"</c> is special; anything else is an agent.</summary>
public sealed record Actor
{
    public string Type { get; init => field = value ?? ""; } = "";
    public string Id { get; init => field = value ?? ""; } = "";
    public string? Name { get; init; }
    public string? NetworkId { get; init; }
    public string? Fqid { get; init; }
}

/// <summary>Where a message goes: a room, a thread of a room, or a DM.</summary>
public sealed record Target
{
    public string Kind { get; init => field = value ?? ""; } = "";
    public string? RoomId { get; init; }
    public string? ThreadId { get; init; }
    public string? ParentMessageId { get; init; }
    public string? DmId { get; init; }
    public IReadOnlyList<string>? ParticipantIds { get; init; }
}

public static class TargetKind
{
    public const string Room = "room";
    public const string Thread = "thread";
    public const string Dm = "dm";
}

/// <summary>One part of a message.</summary>
public sealed record Part
{
    public string Kind { get; init => field = value ?? ""; } = "";
    public string? Text { get; init; }
    public string? MediaType { get; init; }
    public string? Url { get; init; }
    public string? Filename { get; init; }
    public JsonObject? Data { get; init; }

    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal)
        { "text", "url", "data", "file", "image", "audio" };
}

/// <summary>The network and message id a message was first stored under.</summary>
public sealed record Origin(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string NetworkId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string MessageId);

/// <summary>A stored message.</summary>
public sealed record Message
{
    public required string Id { get; init; }
    public required string NetworkId { get; init; }
    public required Origin Origin { get; init; }
    public required Target Target { get; init; }
    public required Actor From { get; init; }
    public required IReadOnlyList<Part> Parts { get; init; }
    public IReadOnlyList<string>? Mentions { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An artifact extracted from a non-text message part.</summary>
public sealed record Artifact
{
    public required string Id { get; init; }
    public required string NetworkId { get; init; }
    public required string Fqid { get; init; }
    public required string MessageId { get; init; }
    public required Target Target { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public int PartIndex { get; init; }
    public required string Kind { get; init; }
    public string? MediaType { get; init; }
    public string? Filename { get; init; }
    public string? Url { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Body of <c>POST /v1/messages</c>.</summary>
public sealed record SendMessageRequest
{
    public string? Id { get; init; }
    public Origin? Origin { get; init; }
    public Target? Target { get; init; }
    public Actor? From { get; init; }
    public IReadOnlyList<Part>? Parts { get; init; }
    public IReadOnlyList<string>? Mentions { get; init; }
}

/// <summary>Answer to <c>POST /v1/messages</c>; every field always emitted.</summary>
public sealed record MessageAccepted(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string MessageId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string EventId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool Accepted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool ThreadCreated,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool DmCreated);
