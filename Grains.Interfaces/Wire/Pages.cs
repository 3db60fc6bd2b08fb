namespace Moltnet.Wire;

/// <summary>Cursor pagination metadata.</summary>
public sealed record PageInfo(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool HasMore,
    string? NextBefore = null,
    string? NextAfter = null);

/// <summary>Answer to a soft delete.</summary>
public sealed record RemoveResult(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool Removed,
    string Kind,
    string Id,
    string Mode = "soft");

public sealed record RoomList(IReadOnlyList<Room> Rooms, PageInfo Page);
public sealed record AgentList(IReadOnlyList<AgentSummary> Agents, PageInfo Page);
public sealed record ThreadList(IReadOnlyList<ThreadInfo> Threads, PageInfo Page);
public sealed record DmList(IReadOnlyList<DirectConversation> Dms, PageInfo Page);
public sealed record MessageList(IReadOnlyList<Message> Messages, PageInfo Page);
public sealed record ArtifactList(IReadOnlyList<Artifact> Artifacts, PageInfo Page);
public sealed record PairingList(IReadOnlyList<Pairing> Pairings, PageInfo Page);

/// <summary>Body of <c>POST /v1/rooms</c>.</summary>
public sealed record CreateRoomRequest
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<string>? Members { get; init; }
    public string? Visibility { get; init; }
    public string? WritePolicy { get; init; }
}

/// <summary>Body of <c>PATCH /v1/rooms/{id}/members</c>.</summary>
public sealed record UpdateMembersRequest(IReadOnlyList<string>? Add = null, IReadOnlyList<string>? Remove = null);

/// <summary>Body of <c>POST /v1/apply</c>.</summary>
public sealed record ApplyRequest
{
    public string? NetworkId { get; init; }
    public IReadOnlyList<ApplyAgent>? Agents { get; init; }
    public IReadOnlyList<CreateRoomRequest>? Rooms { get; init; }
}

public sealed record ApplyAgent(string? Id, string? Name, string? CredentialKey);

public sealed record ApplyResult(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool Applied,
    IReadOnlyList<AgentRegistration>? Agents = null,
    IReadOnlyList<Room>? Rooms = null);

/// <summary>The error envelope every failing route answers with.</summary>
public sealed record ErrorBody(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string RequestId);

public sealed record StatusBody(string Status);
