using Moltnet.Runtime;
using Moltnet.Wire;

namespace Moltnet.Grains;

/// <summary>Network-wide collections and agent lookups, keyed by the network id.</summary>
public interface INetworkGrain : IGrainWithStringKey
{
    /// <summary>Non-removed rooms the caller may read, with access, paged by id.</summary>
    ValueTask<RoomList> ListRoomsAsync(Caller caller, PageQuery page, CancellationToken ct = default);

    /// <summary>Members of readable rooms merged with registered agents (spec §2.4 Agents).</summary>
    ValueTask<AgentList> ListAgentsAsync(Caller caller, PageQuery page, CancellationToken ct = default);

    /// <summary>One agent (404 when unknown or hidden from the caller).</summary>
    ValueTask<AgentSummary> GetAgentAsync(Caller caller, string agentId, CancellationToken ct = default);

    /// <summary>Removes an agent's memberships and registration; emits <c>agent.removed</c>.</summary>
    ValueTask<RemoveResult> RemoveAgentAsync(string agentId, CancellationToken ct = default);
}

/// <summary>Whether the store answers (for <c>/healthz</c> and <c>/readyz</c>).</summary>
public interface IHealthProbe
{
    Task<bool> IsHealthyAsync(CancellationToken ct);
}

/// <summary>Which agents have a live attachment (local replica view, or shared in a cluster).</summary>
public interface IPresence
{
    bool IsConnected(string agentId);
}

/// <summary>History and conversation reads, keyed by the network id. Holds no state, so calls run concurrently.</summary>
public interface IHistoryGrain : IGrainWithStringKey
{
    ValueTask<MessageList> RoomMessagesAsync(Caller caller, string roomId, PageQuery page, CancellationToken ct = default);
    ValueTask<ThreadList> RoomThreadsAsync(Caller caller, string roomId, PageQuery page, CancellationToken ct = default);
    ValueTask<ThreadInfo> ThreadAsync(Caller caller, string threadId, CancellationToken ct = default);
    ValueTask<MessageList> ThreadMessagesAsync(Caller caller, string threadId, PageQuery page, CancellationToken ct = default);
    ValueTask<DmList> DmsAsync(Caller caller, PageQuery page, CancellationToken ct = default);
    ValueTask<DirectConversation> DmAsync(Caller caller, string dmId, CancellationToken ct = default);
    ValueTask<MessageList> DmMessagesAsync(Caller caller, string dmId, PageQuery page, CancellationToken ct = default);
    ValueTask<ArtifactList> ArtifactsAsync(Caller caller, string? roomId, string? threadId, string? dmId, PageQuery page, CancellationToken ct = default);
}

/// <summary>Agent registration and credential lookups, keyed by the network id.</summary>
public interface IRegistryGrain : IGrainWithStringKey
{
    /// <summary><c>POST /v1/agents/register</c> after route auth: allowlists, id choice (slug + suffix), minting.</summary>
    ValueTask<Registered> RegisterAsync(Caller caller, RegisterAgentRequest request, CancellationToken ct = default);

    /// <summary>The registration an agent token belongs to, or null.</summary>
    ValueTask<AgentRegistration?> FindByCredentialAsync(string credentialKey, CancellationToken ct = default);

    /// <summary><c>POST /v1/apply</c>: validates everything first, then creates/overwrites rooms and binds agents.</summary>
    ValueTask<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken ct = default);
}
