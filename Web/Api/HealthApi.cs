using Microsoft.AspNetCore.Http.HttpResults;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;

namespace Moltnet.Web.Api;

/// <summary><c>/healthz</c> and <c>/readyz</c>: both ping the store and answer 503 when it does not respond.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", (IHealthProbe probe, HttpContext http) => Check(probe, "ok", http)).AllowAnyone();
        app.MapGet("/readyz", (IHealthProbe probe, HttpContext http) => Check(probe, "ready", http)).AllowAnyone();
        return app;
    }

    private static async Task<IResult> Check(IHealthProbe probe, string status, HttpContext http) =>
        await probe.IsHealthyAsync(http.RequestAborted)
            ? Reply.Ok(new StatusBody(status))
            : new WireResult<ErrorBody>(new ErrorBody("service unavailable", "service_unavailable", http.TraceIdentifier), 503);
}
