using Moltnet.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moltnet.Runtime;
using Moltnet.Web.Auth;
using Moltnet.Web.Discovery;

namespace Moltnet.Web.Api;

/// <summary><c>GET /llms.txt</c>, <c>/install.md</c>, <c>/skill.md</c>: discovery documents generated per request from the
/// live config and the caller's access (spec §8).</summary>
public static class DiscoveryApi
{
    private const int RoomLimit = 100;

    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder app)
    {
        app.MapGet("/llms.txt", async (HttpContext http, MoltnetConfig config) =>
                Results.Text(LlmsText.Build(await ContextAsync(http, config, rooms: false)), "text/plain; charset=utf-8"))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin);
        app.MapGet("/install.md", async (HttpContext http, MoltnetConfig config) =>
                Results.Text(InstallMarkdown.Build(await ContextAsync(http, config, rooms: true)), "text/markdown; charset=utf-8"))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin);
        app.MapGet("/skill.md", async (HttpContext http, MoltnetConfig config) =>
                Results.Text(SkillMarkdown.Build(await ContextAsync(http, config, rooms: true)), "text/markdown; charset=utf-8"))
            .AllowPublicRead(Scopes.Observe, Scopes.Write, Scopes.Admin, Scopes.Attach);
        return app;
    }

    // Handlers take a service parameter so they bind as Delegate (returning IResult), not as a RequestDelegate.
    private static async Task<DiscoveryContext> ContextAsync(HttpContext http, MoltnetConfig config, bool rooms)
    {
        var services = http.RequestServices;
        var caller = http.Caller();
        IReadOnlyList<Room> list = [];
        var truncated = false;
        if (rooms)
        {
            var page = await services.GetRequiredService<IGrainFactory>().GetGrain<INetworkGrain>(config.Network.Id)
                .ListRoomsAsync(caller, new PageQuery(RoomLimit), http.RequestAborted);
            list = page.Rooms;
            truncated = page.Page.HasMore;
        }
        return new DiscoveryContext(DiscoveryContext.BaseUrlOf(http, services.GetRequiredService<OriginPolicy>()), config, caller, list, truncated);
    }
}
