using Moltnet.Runtime;
using Moltnet.Wire;

namespace Moltnet.Grains;

/// <summary>One pairing with another network, keyed by the pairing id (spec §6): its shared status, compatibility checks,
/// remote discovery and the delivery of its relay outbox. Unknown ids answer 404 <c>unknown pairing "x"</c>.</summary>
public interface IPairingGrain : IGrainWithStringKey
{
    /// <summary>The pairing with its stored status and diagnostics (token never included).</summary>
    ValueTask<Pairing> GetAsync(CancellationToken ct = default);

    /// <summary>Checks compatibility now when <paramref name="force"/>, else only when a check is due.</summary>
    ValueTask<Pairing> CheckAsync(bool force, CancellationToken ct = default);

    /// <summary>The remote's <c>GET /v1/network</c> body, verbatim (diagnostics refreshed on the way); 502 on failure.</summary>
    ValueTask<string> RemoteNetworkAsync(CancellationToken ct = default);

    /// <summary>Every remote room (all remote pages), paged locally; 502 when incompatible or the remote fails.</summary>
    ValueTask<RoomList> RemoteRoomsAsync(PageQuery page, CancellationToken ct = default);

    /// <summary>Every remote agent (all remote pages), paged locally; 502 when incompatible or the remote fails.</summary>
    ValueTask<AgentList> RemoteAgentsAsync(PageQuery page, CancellationToken ct = default);

    /// <summary>Delivers due relays of the outbox in order, stopping at the first failure. Returns when to call again:
    /// null when the outbox is empty. Callers must hold the lease <c>pairing-outbox:&lt;id&gt;</c>.</summary>
    ValueTask<TimeSpan?> RelayAsync(CancellationToken ct = default);
}

/// <summary>All pairings of the network, keyed by the network id.</summary>
public interface IPairingsGrain : IGrainWithStringKey
{
    /// <summary>Pairings sorted by id with their shared status and diagnostics (spec §2.2 collection paging).</summary>
    ValueTask<PairingList> ListAsync(PageQuery page, CancellationToken ct = default);

    /// <summary><c>pairings.incompatible</c>, <c>pairings.error</c>, <c>pairings.degraded</c> warnings, in that order.</summary>
    ValueTask<IReadOnlyList<Warning>> WarningsAsync(CancellationToken ct = default);
}
