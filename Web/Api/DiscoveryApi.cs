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
        app.MapGet("/llms.txt", async (HttpContext http) =>
                Results.Text(LlmsText.Build(await ContextAsync(http, rooms: false)), "text/plain; charset=utf-8"))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin);
        app.MapGet("/install.md", async (HttpContext http) =>
                Results.Text(InstallMarkdown.Build(await ContextAsync(http, rooms: true)), "text/markdown; charset=utf-8"))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin);
        app.MapGet("/skill.md", async (HttpContext http) =>
                Results.Text(SkillMarkdown.Build(await ContextAsync(http, rooms: true)), "text/markdown; charset=utf-8"))
            .AllowPublicRead(Scopes.Observe, Scopes.Write, Scopes.Admin, Scopes.Attach);
        return app;
    }

    private static async Task<DiscoveryContext> ContextAsync(HttpContext http, bool rooms)
    {
        var services = http.RequestServices;
        var config = services.GetRequiredService<MoltnetConfig>();
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
