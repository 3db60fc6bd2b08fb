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
        agents.MapPost("/register", async (HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
            {
                var caller = http.Caller();
                var open = RouteAccess.OpenRegistration(config);
                // disabled: admin only (spec §5.5); token: admin or attach (the route's scopes); open: anyone.
                if (!caller.ModeNone && !open && config.Auth.AgentRegistration != RegistrationModes.Token && !caller.Has(Scopes.Admin))
                    throw MoltnetException.Forbidden("agent registration is disabled; an admin token is required");
                var body = await JsonBody.ReadAsync<RegisterAgentRequest>(http.Request);
                var result = await grains.GetGrain<IRegistryGrain>(config.Network.Id).RegisterAsync(caller, body, CancellationToken.None);
                return result.Created ? (IResult)Reply.Created(result.Registration) : Reply.Ok(result.Registration);
            })
            .WithMetadata(new RouteAccess([Scopes.Admin, Scopes.Attach], false, RouteAccess.OpenRegistration))
            .RequireRateLimiting(RateLimits.Register);
        agents.MapDelete("/{agentId}", async (string agentId, HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
                Reply.Ok(await Network(grains, config).RemoveAgentAsync(Paging.RequireId(agentId, "agent"), http.RequestAborted)))
            .RequireScopes(Scopes.Admin);
        return app;
    }

    private static INetworkGrain Network(IGrainFactory grains, MoltnetConfig config) =>
        grains.GetGrain<INetworkGrain>(config.Network.Id);
}
