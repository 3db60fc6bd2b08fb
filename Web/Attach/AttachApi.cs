using Microsoft.Extensions.DependencyInjection;
using Moltnet.Configuration;
using Moltnet.Web.Auth;

namespace Moltnet.Web.Attach;

/// <summary><c>GET /v1/attach</c>: the native attachment WebSocket (spec §4). Route auth (§5.4): mode none open; registration
/// open lets anonymous callers reach IDENTIFY (a presented credential must be valid and carry <c>attach</c>); otherwise the
/// <c>attach</c> scope is required. A browser <c>Origin</c> must be allowed (§5.9) before the upgrade.</summary>
public static class AttachApi
{
    public static IServiceCollection AddMoltnetAttachments(this IServiceCollection services)
    {
        services.AddSingleton(sp => new AttachOptions { WakeAckTimeout = sp.GetRequiredService<MoltnetConfig>().Server.WakeAckTimeout });
        services.AddSingleton<AttachmentRegistry>();
        services.AddSingleton<AttachGateway>();
        return services;
    }

    public static IEndpointRouteBuilder MapAttach(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/attach", Attach)
            .WithMetadata(new RouteAccess([Scopes.Attach], false, RouteAccess.OpenRegistration))
            .RequireRateLimiting(RateLimits.Attach);
        return app;
    }

    private static async Task Attach(HttpContext http, AttachGateway gateway, OriginPolicy origins)
    {
        if (!origins.BrowserOriginAllowed(http)) throw MoltnetException.Forbidden("origin not allowed");
        if (!http.WebSockets.IsWebSocketRequest) throw MoltnetException.BadRequest("attachment requires a WebSocket upgrade");
        var (socket, batch) = await WebSocketUpgrade.AcceptAsync(http);
        using (socket)
        {
            var session = new AttachSession(gateway, socket, batch, http.Caller(), http.RequestAborted);
            await session.RunAsync();
        }
    }
}
