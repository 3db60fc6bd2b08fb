using Moltnet.Configuration;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Messaging;

/// <summary>Sender identity (spec §5.7) and room write policy (§5.8) for <c>POST /v1/messages</c>.</summary>
public sealed class SenderPolicy(MoltnetConfig config, Func<string, CancellationToken, ValueTask<AgentRegistration?>> findAgent)
{
    private string Local => config.Network.Id;
    private bool ModeOpen => config.Auth.Mode == AuthModes.Open;

    /// <summary>The sender's network and bare agent id as the message claims them.</summary>
    public (string Network, string Agent) SenderOf(Actor from)
    {
        var id = from.Id.Trim();
        if (Ids.IsQualified(id)) return Ids.SplitMember(id, Local);
        if (!string.IsNullOrEmpty(from.Fqid) && Ids.TryParseAgentFqid(from.Fqid, out var fnet, out _) && fnet != Local) return (fnet, id);
        return (string.IsNullOrEmpty(from.NetworkId) ? Local : from.NetworkId, id);
    }

    /// <summary>Steps 2–3 of the send checks, run before validation: who may speak as <paramref name="from"/>.</summary>
    public async Task CheckIdentityAsync(Caller caller, Actor from, Origin? origin, CancellationToken ct)
    {
        var remoteOrigin = origin is { NetworkId.Length: > 0 } && origin.NetworkId != Local;
        var pair = caller.Has(Scopes.Pair);
        var write = caller.Has(Scopes.Write);
        var anonymous = caller.CredentialKey == Caller.AnonymousKey;
        if (remoteOrigin && pair && !Consistent(from, origin!.NetworkId))
            throw MoltnetException.Conflict($"sender network does not match origin network \"{origin.NetworkId}\"");
        if (from.Type == "human")
        {
            if (remoteOrigin) { if (pair) return; throw MoltnetException.Forbidden("remote-origin human messages require pair scope"); }
            if (caller.ModeNone) return;
            if (anonymous) throw MoltnetException.Unauthorized("human ingress requires a write token");
            if (caller.Kind == CallerKind.StaticToken && write) return;
            throw MoltnetException.Forbidden("human ingress requires a static write token");
        }
        if (remoteOrigin && pair) return;
        var (network, agent) = SenderOf(from);
        if (!Ids.IsValid(agent)) return; // an invalid sender id is refused by validation (step 5)
        if (network != Local)
        {
            if (ModeOpen) throw MoltnetException.Forbidden($"remote-origin agent \"{from.Id}\" requires pair scope");
            if (!anonymous) throw MoltnetException.Conflict($"agent \"{from.Id}\" is not an agent of network \"{Local}\"");
            return;
        }
        if (!caller.ModeNone && pair && !write) throw MoltnetException.Forbidden("pair tokens cannot assert local agents");
        if (caller.AllowedAgents.Count > 0 && !caller.AllowedAgents.Contains(agent))
        {
            if (caller.Kind == CallerKind.AgentToken) throw MoltnetException.Conflict($"agent token is not valid for agent \"{agent}\"");
            throw MoltnetException.Forbidden($"token is not allowed to send as agent \"{agent}\"");
        }
        var registration = await findAgent(agent, ct);
        if (registration is null)
        {
            if (ModeOpen) throw MoltnetException.Unauthorized($"agent \"{agent}\" must be registered before sending");
            return;
        }
        CheckRegistered(caller, agent, registration, anonymous, write);
    }

    private void CheckRegistered(Caller caller, string agent, AgentRegistration registration, bool anonymous, bool write)
    {
        if (anonymous)
        {
            if (ModeOpen) throw MoltnetException.Unauthorized($"agent \"{agent}\" requires its agent token");
            if (registration.CredentialKey == Caller.AnonymousKey) return;
            throw MoltnetException.Conflict($"agent \"{agent}\" is registered with different credentials");
        }
        if (registration.CredentialKey == caller.CredentialKey)
        {
            if (ModeOpen && !write) throw MoltnetException.Forbidden("forbidden");
            return;
        }
        if (caller.Has(Scopes.Admin) && write) return;
        throw MoltnetException.Conflict($"agent \"{agent}\" is registered with different credentials");
    }

    /// <summary>Step 6: the room's write policy (spec §5.8).</summary>
    public async Task CheckWritePolicyAsync(Caller caller, Actor from, Room room, CancellationToken ct)
    {
        if (caller.ModeNone || (caller.Has(Scopes.Admin) && caller.Has(Scopes.Write))) return;
        var allowed = room.WritePolicy switch
        {
            RoomWritePolicy.Operators => caller.Kind == CallerKind.StaticToken && caller.Has(Scopes.Write),
            RoomWritePolicy.RegisteredAgents => IsMember(from, room) || await IsOwnRegisteredAgentAsync(caller, from, ct),
            _ => IsMember(from, room),
        };
        if (!allowed) throw MoltnetException.Forbidden($"room \"{room.Id}\" write policy forbids sender");
    }

    private bool IsMember(Actor from, Room room)
    {
        var (network, agent) = SenderOf(from);
        foreach (var member in room.Members ?? [])
        {
            if (Ids.ActorMatches(member, network, agent)) return true;
            if (!Ids.IsQualified(member) && member == agent) return true; // a bare member also matches a remote actor of that id
        }
        return false;
    }

    private async Task<bool> IsOwnRegisteredAgentAsync(Caller caller, Actor from, CancellationToken ct)
    {
        if (caller.Kind != CallerKind.AgentToken) return false;
        var (network, agent) = SenderOf(from);
        if (network != Local) return false;
        var registration = await findAgent(agent, ct);
        return registration is not null && registration.CredentialKey == caller.CredentialKey;
    }

    private bool Consistent(Actor from, string originNetwork)
    {
        if (!string.IsNullOrEmpty(from.NetworkId) && from.NetworkId != originNetwork) return false;
        if (string.IsNullOrEmpty(from.NetworkId)) return false;
        if (!string.IsNullOrEmpty(from.Fqid) && Ids.TryParseAgentFqid(from.Fqid, out var fnet, out _) && fnet != originNetwork) return false;
        var id = from.Id.Trim();
        return !Ids.IsQualified(id) || Ids.SplitMember(id, Local).Network == originNetwork;
    }
}
