using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Agents;

/// <summary>One agent's registration: the credential it is bound to, its display name and actor uid.</summary>
internal sealed class AgentGrain(IMoltnetStore store, NetworkContext net) : Grain, IAgentGrain
{
    private Versioned<AgentRegistration>? _state;

    public override async Task OnActivateAsync(CancellationToken ct) => _state = await store.ReadAgentAsync(GrainKey, ct);

    public async ValueTask<Registered> RegisterAsync(RegisterCommand command, CancellationToken ct)
    {
        _state = await store.ReadAgentAsync(GrainKey, ct);
        var now = net.Now();
        if (_state is null)
        {
            string? token = command.MintToken ? Ids.NewAgentToken() : null;
            var key = token is null ? command.CredentialKey : AgentTokens.CredentialKey(token);
            var created = await WriteAsync(New(key, command.Name, now), ct);
            return new Registered(created with { AgentToken = token }, true);
        }
        var existing = _state.Value;
        if (existing.CredentialKey == command.CredentialKey && !command.MintToken)
        {
            var updated = existing with { DisplayName = Blank(command.Name) ?? existing.DisplayName, UpdatedAt = now };
            return new Registered(await WriteAsync(updated, ct), false);
        }
        if (command.Admin) return new Registered(existing, false);
        if (command.MintToken || command.CredentialKey == Caller.AnonymousKey)
            throw MoltnetException.Conflict($"agent \"{GrainKey}\" is already registered");
        throw MoltnetException.Conflict($"agent \"{GrainKey}\" is already registered with different credentials");
    }

    public async ValueTask<AgentRegistration> BindAsync(string credentialKey, string? name, CancellationToken ct)
    {
        _state = await store.ReadAgentAsync(GrainKey, ct);
        var now = net.Now();
        if (_state is null) return await WriteAsync(New(credentialKey, name, now), ct);
        var current = _state.Value;
        var next = current with { CredentialKey = credentialKey, DisplayName = Blank(name) ?? current.DisplayName };
        return next == current ? current : await WriteAsync(next with { UpdatedAt = now }, ct);
    }

    public ValueTask<AgentRegistration?> FindAsync(CancellationToken ct) => ValueTask.FromResult(_state?.Value);

    public async ValueTask<bool> RemoveAsync(Event removed, CancellationToken ct)
    {
        _state = await store.ReadAgentAsync(GrainKey, ct);
        if (_state is null) return false;
        await store.WriteAgentAsync(GrainKey, null, _state.Version, [removed], ct);
        _state = null;
        return true;
    }

    private AgentRegistration New(string credentialKey, string? name, DateTimeOffset now) => new()
    {
        NetworkId = net.NetworkId,
        AgentId = GrainKey,
        ActorUid = Ids.NewActorUid(),
        ActorUri = net.Fqid("agents", GrainKey),
        DisplayName = Blank(name),
        CredentialKey = credentialKey,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private async Task<AgentRegistration> WriteAsync(AgentRegistration next, CancellationToken ct)
    {
        try
        {
            var version = await store.WriteAgentAsync(GrainKey, next, _state?.Version ?? 0, [], ct);
            _state = new Versioned<AgentRegistration>(next, version);
            return next;
        }
        catch (StaleStateException)
        {
            _state = await store.ReadAgentAsync(GrainKey, ct);
            throw MoltnetException.Conflict($"agent \"{GrainKey}\" was changed concurrently; retry");
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>Agent tokens: <c>magt_v1_…</c>, known to the server only as <c>agent-token:</c>+hex(SHA-256).</summary>
public static class AgentTokens
{
    public const string Prefix = "magt_v1_";

    public static string CredentialKey(string token) => "agent-token:" + Ids.Sha256Hex(token);
}
