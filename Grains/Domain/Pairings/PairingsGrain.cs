using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Pairings;

/// <summary>The network's pairings with their shared status, read from the store on every call so every replica answers
/// the same. Stateless: calls may interleave.</summary>
[Reentrant]
internal sealed class PairingsGrain(IMoltnetStore store, NetworkContext net) : Grain, IPairingsGrain
{
    public async ValueTask<PairingList> ListAsync(PageQuery page, CancellationToken ct)
    {
        var all = await AllAsync(ct);
        var (items, info) = page.Apply(all, p => p.Id);
        return new PairingList(items, info);
    }

    public async ValueTask<IReadOnlyList<Warning>> WarningsAsync(CancellationToken ct)
    {
        if (net.Config.Pairings.Count == 0) return [];
        var all = await AllAsync(ct);
        var warnings = new List<Warning>();
        Add(PairingStatus.Incompatible, "error", "pairings.incompatible", "{0} pairing(s) incompatible.",
            "Check the pairings' diagnostics: the remote network id or protocol versions do not match.");
        Add(PairingStatus.Error, "warning", "pairings.error", "{0} pairing(s) in error.",
            "Check the pairings' diagnostics: the remote did not answer or refused requests; relays are retried.");
        Add(PairingStatus.Degraded, "warning", "pairings.degraded", "{0} pairing(s) degraded.",
            "Check the pairings' diagnostics: the remote lacks cursor pagination or direct messages.");
        return warnings;

        void Add(string status, string severity, string code, string format, string action)
        {
            var n = all.Count(p => p.Status == status);
            if (n > 0) warnings.Add(new Warning(severity, code, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, n), action));
        }
    }

    private async Task<List<Pairing>> AllAsync(CancellationToken ct)
    {
        var states = (await store.ListPairingStatesAsync(ct)).ToDictionary(s => s.Value.PairingId, s => s.Value, StringComparer.Ordinal);
        return net.Config.Pairings
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => PairingWire.From(p, states.GetValueOrDefault(p.Id)))
            .ToList();
    }
}
