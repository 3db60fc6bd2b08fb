using Moltnet.Configuration;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Pairings;

/// <summary>The wire view of a pairing: config plus stored status, token never included.</summary>
internal static class PairingWire
{
    private static readonly HashSet<string> Statuses = new(StringComparer.Ordinal)
        { PairingStatus.Connected, PairingStatus.Degraded, PairingStatus.Incompatible, PairingStatus.Error, PairingStatus.Unknown };

    /// <summary>The configured status until the first check (spec §6), else <c>unknown</c>.</summary>
    public static string InitialStatus(PairingConfig config) => config.Status.Length > 0 ? config.Status : PairingStatus.Unknown;

    /// <summary>Statuses outside the spec's five never relay.</summary>
    public static bool IsKnown(string status) => Statuses.Contains(status);

    public static Pairing From(PairingConfig config, Versioned<PairingState>? state) => From(config, state?.Value);

    public static Pairing From(PairingConfig config, PairingState? state) => new()
    {
        Id = config.Id,
        RemoteNetworkId = config.RemoteNetworkId,
        RemoteNetworkName = config.RemoteNetworkName.Length == 0 ? null : config.RemoteNetworkName,
        RemoteBaseUrl = config.RemoteBaseUrl.Length == 0 ? null : config.RemoteBaseUrl,
        Status = state?.Status ?? InitialStatus(config),
        Diagnostics = state?.Diagnostics,
    };
}
