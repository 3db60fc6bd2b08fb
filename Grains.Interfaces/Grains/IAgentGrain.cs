using Moltnet.Runtime;
using Moltnet.Wire;

namespace Moltnet.Grains;

/// <summary>One agent registration, keyed by agent id (spec §5.5).</summary>
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Registers or re-registers the agent for a credential. <see cref="Registered.Created"/> is true when the
    /// registration was created or a token was minted (201).</summary>
    ValueTask<Registered> RegisterAsync(RegisterCommand command, CancellationToken ct = default);

    /// <summary>Creates the registration or rebinds it to <paramref name="credentialKey"/>, keeping actor_uid and created_at
    /// (apply and declared token bindings).</summary>
    ValueTask<AgentRegistration> BindAsync(string credentialKey, string? name, CancellationToken ct = default);

    /// <summary>The registration, or null.</summary>
    ValueTask<AgentRegistration?> FindAsync(CancellationToken ct = default);

    /// <summary>Deletes the registration (its token stops working) and appends <paramref name="removed"/> with it.</summary>
    ValueTask<bool> RemoveAsync(Event removed, CancellationToken ct = default);
}

/// <summary>Who registers: the caller's credential key, whether to mint an agent token, whether the caller is an admin.</summary>
public sealed record RegisterCommand(string CredentialKey, string? Name, bool MintToken, bool Admin, bool ExplicitId);

public sealed record Registered(AgentRegistration Registration, bool Created);
