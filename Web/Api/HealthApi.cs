using Microsoft.AspNetCore.Http.HttpResults;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;

namespace Moltnet.Web.Api;

/// <summary><c>/healthz</c> and <c>/readyz</c>: both ping the store and answer 503 when it does not respond; <c>/readyz</c> also
/// answers 503 once the server is stopping, so load balancers stop sending it new requests while it drains.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", (IHealthProbe probe, HttpContext http) => Check(probe, "ok", http)).AllowAnyone();
        app.MapGet("/readyz", (IHealthProbe probe, HttpContext http, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime) =>
            lifetime.ApplicationStopping.IsCancellationRequested ? Task.FromResult(Unavailable(http)) : Check(probe, "ready", http)).AllowAnyone();
        return app;
    }

    private static async Task<IResult> Check(IHealthProbe probe, string status, HttpContext http) =>
        await probe.IsHealthyAsync(http.RequestAborted)
            ? Reply.Ok(new StatusBody(status))
            : Unavailable(http);

    private static IResult Unavailable(HttpContext http) =>
        new WireResult<ErrorBody>(new ErrorBody("service unavailable", "service_unavailable", http.TraceIdentifier), 503);
}
