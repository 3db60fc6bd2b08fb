using Moltnet.Configuration;
using Moltnet.Web.Auth;
using Moltnet.Web.Metrics;

namespace Moltnet.Web.Api;

/// <summary><c>GET /metrics</c>: Prometheus text format 0.0.4 (spec §8), admin scope only.</summary>
public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (HttpContext http, PrometheusExporter exporter) =>
        {
            http.Response.ContentType = PrometheusExporter.ContentType;
            http.Response.Headers.CacheControl = "no-store";
            return http.Response.WriteAsync(exporter.Scrape(), http.RequestAborted);
        }).RequireScopes(Scopes.Admin);
        return app;
    }
}
