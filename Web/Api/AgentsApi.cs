using Moltnet.Configuration;
using Moltnet.Runtime;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;

namespace Moltnet.Web.Api;

/// <summary>Agent routes (spec §2.4 Agents).</summary>
public static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgents(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/v1/agents");
        agents.MapGet("", async (HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
                Reply.Ok(await Network(grains, config).ListAgentsAsync(http.Caller(), Paging.From(http.Request), http.RequestAborted)))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin, Scopes.Pair);
        agents.MapGet("/{agentId}", async (string agentId, HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
                Reply.Ok(await Network(grains, config).GetAgentAsync(http.Caller(), Paging.RequireId(agentId, "agent"), http.RequestAborted)))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin);
        agents.MapDelete("/{agentId}", async (string agentId, HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
                Reply.Ok(await Network(grains, config).RemoveAgentAsync(Paging.RequireId(agentId, "agent"), http.RequestAborted)))
            .RequireScopes(Scopes.Admin);
        return app;
    }

    private static INetworkGrain Network(IGrainFactory grains, MoltnetConfig config) =>
        grains.GetGrain<INetworkGrain>(config.Network.Id);
}
