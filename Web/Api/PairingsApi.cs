using System.Text;
using Moltnet.Configuration;
using Moltnet.Runtime;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;

namespace Moltnet.Web.Api;

/// <summary>Pairing routes (spec §2.3, §2.4 Pairings): the list with shared status and diagnostics, and discovery of the
/// paired network proxied with the pairing's token. Tokens never appear in any answer.</summary>
public static class PairingsApi
{
    public static IEndpointRouteBuilder MapPairings(this IEndpointRouteBuilder app)
    {
        var pairings = app.MapGroup("/v1/pairings");
        pairings.MapGet("", async (HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
                Reply.Ok(await grains.GetGrain<IPairingsGrain>(config.Network.Id).ListAsync(Paging.From(http.Request), http.RequestAborted)))
            .RequireScopes(Scopes.Observe, Scopes.Admin);
        pairings.MapGet("/{pairingId}/network", async (string pairingId, HttpContext http, IGrainFactory grains) =>
            {
                var body = await Pairing(grains, pairingId).RemoteNetworkAsync(http.RequestAborted);
                return Results.Text(body.EndsWith('\n') ? body : body + "\n", "application/json", Encoding.UTF8);
            })
            .RequireScopes(Scopes.Observe, Scopes.Admin);
        pairings.MapGet("/{pairingId}/rooms", async (string pairingId, HttpContext http, IGrainFactory grains) =>
                Reply.Ok(await Pairing(grains, pairingId).RemoteRoomsAsync(Paging.From(http.Request), http.RequestAborted)))
            .RequireScopes(Scopes.Observe, Scopes.Admin);
        pairings.MapGet("/{pairingId}/agents", async (string pairingId, HttpContext http, IGrainFactory grains) =>
                Reply.Ok(await Pairing(grains, pairingId).RemoteAgentsAsync(Paging.From(http.Request), http.RequestAborted)))
            .RequireScopes(Scopes.Observe, Scopes.Admin);
        return app;
    }

    private static IPairingGrain Pairing(IGrainFactory grains, string rawId) => grains.GetGrain<IPairingGrain>(Uri.UnescapeDataString(rawId).Trim());
}

/// <summary>Pairing warnings for <c>/v1/network</c>, from the shared status in the store.</summary>
public sealed class PairingWarnings(IGrainFactory grains, MoltnetConfig config) : IAsyncNetworkWarnings
{
    public async Task<IReadOnlyList<Warning>> CurrentAsync(CancellationToken ct) =>
        config.Pairings.Count == 0 ? [] : await grains.GetGrain<IPairingsGrain>(config.Network.Id).WarningsAsync(ct);
}
