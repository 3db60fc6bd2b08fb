namespace Moltnet.Wire;

/// <summary>An agent as listed by <c>/v1/agents</c>.</summary>
public sealed record AgentSummary
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? ActorUid { get; init; }
    public string? Fqid { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string NetworkId { get; init => field = value ?? ""; } = "";
    public IReadOnlyList<string>? Rooms { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool Connected { get; init; }
}

/// <summary>A registered agent. The credential key is stored, never emitted.</summary>
public sealed record AgentRegistration
{
    public required string NetworkId { get; init; }
    public required string AgentId { get; init; }
    public required string ActorUid { get; init; }
    public required string ActorUri { get; init; }
    public string? DisplayName { get; init; }
    public string? AgentToken { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public DateTimeOffset CreatedAt { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public DateTimeOffset UpdatedAt { get; init; }
    [JsonIgnore] public string CredentialKey { get; init; } = "";
}

/// <summary>Body of <c>POST /v1/agents/register</c>.</summary>
public sealed record RegisterAgentRequest(string? RequestedAgentId = null, string? Name = null);
