using System.Security.Cryptography;
using System.Text;
using Moltnet.Configuration;
using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Agents;

/// <summary>Registration entry point and credential lookups. Stateless: calls interleave; each agent grain serializes its id.</summary>
[Reentrant]
internal sealed class RegistryGrain(IMoltnetStore store, NetworkContext net) : Grain, IRegistryGrain
{
    private const int MaxSlugTries = 100;

    public async ValueTask<Registered> RegisterAsync(Caller caller, RegisterAgentRequest request, CancellationToken ct)
    {
        var requested = request.RequestedAgentId?.Trim();
        if (!string.IsNullOrEmpty(requested) && !Ids.IsValid(requested))
            throw MoltnetException.Unprocessable($"invalid requested_agent_id \"{requested}\"");
        var open = net.Config.Auth.Mode == AuthModes.Open || net.Config.Auth.AgentRegistration == RegistrationModes.Open;
        var anonymous = caller.CredentialKey == Caller.AnonymousKey;
        var mint = anonymous && open && !caller.ModeNone;
        var admin = caller.Has(Scopes.Admin);
        if (!string.IsNullOrEmpty(requested))
        {
            CheckAllowlist(caller, requested);
            return await Agent(requested).RegisterAsync(new RegisterCommand(caller.CredentialKey, request.Name, mint, admin, true), ct);
        }
        var slug = Slug(request.Name);
        for (var attempt = 0; attempt < MaxSlugTries; attempt++)
        {
            var id = attempt == 0 ? slug : $"{slug}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            if (await store.ReadAgentAsync(id, ct) is not null) continue;
            CheckAllowlist(caller, id);
            try
            {
                return await Agent(id).RegisterAsync(new RegisterCommand(caller.CredentialKey, request.Name, mint, admin, false), ct);
            }
            catch (MoltnetException e) when (e.Status == 409)
            {
                // Someone took the id between our look and our write: try another suffix.
            }
        }
        throw MoltnetException.Conflict("could not find a free agent id; pass requested_agent_id");
    }

    public async ValueTask<AgentRegistration?> FindByCredentialAsync(string credentialKey, CancellationToken ct) =>
        await store.FindAgentByCredentialAsync(credentialKey, ct);

    public async ValueTask<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(request.NetworkId) && request.NetworkId != net.NetworkId)
            throw MoltnetException.Unprocessable($"apply network_id \"{request.NetworkId}\" does not match \"{net.NetworkId}\"");
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in request.Agents ?? [])
        {
            var id = a?.Id?.Trim() ?? "";
            if (!Ids.IsValid(id)) throw MoltnetException.Unprocessable($"invalid agent id \"{id}\"");
            if (string.IsNullOrWhiteSpace(a!.CredentialKey)) throw MoltnetException.Unprocessable($"agent \"{id}\" needs a credential_key");
            if (keys.TryGetValue(id, out var other) && other != a.CredentialKey)
                throw MoltnetException.Unprocessable($"agent \"{id}\" is bound to two credentials");
            keys[id] = a.CredentialKey;
        }
        foreach (var room in request.Rooms ?? []) RoomRules.ValidateCreate(room ?? new CreateRoomRequest());
        foreach (var room in request.Rooms ?? [])
        {
            var existing = await store.ReadRoomAsync(room.Id!.Trim(), ct);
            if (existing is { Value.Removed: true }) throw MoltnetException.NotFound($"unknown room \"{room.Id!.Trim()}\"");
        }
        var agents = new List<AgentRegistration>();
        foreach (var a in request.Agents ?? [])
            agents.Add(await Agent(a.Id!.Trim()).BindAsync(a.CredentialKey!, a.Name, ct));
        var rooms = new List<Room>();
        foreach (var room in request.Rooms ?? [])
            rooms.Add(await GrainFactory.GetGrain<IRoomGrain>(room.Id!.Trim()).ApplyAsync(room, replaceMembers: true, ct));
        return new ApplyResult(true, agents.Count == 0 ? null : agents, rooms.Count == 0 ? null : rooms);
    }

    private IAgentGrain Agent(string id) => GrainFactory.GetGrain<IAgentGrain>(id);

    private static void CheckAllowlist(Caller caller, string agentId)
    {
        if (caller.AllowedAgents.Count == 0 || caller.AllowedAgents.Contains(agentId)) return;
        if (caller.Kind == CallerKind.AgentToken) throw MoltnetException.Conflict($"agent token is not valid for agent \"{agentId}\"");
        throw MoltnetException.Forbidden($"token is not allowed to register agent \"{agentId}\"");
    }

    /// <summary>Lower-case, keep [a-z0-9], each run of anything else becomes one '-', trimmed; empty → <c>agent</c>.</summary>
    public static string Slug(string? name)
    {
        var sb = new StringBuilder();
        foreach (var c in (name ?? "").ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? "agent" : slug;
    }
}
