using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Moltnet.Web.Http;

/// <summary>
/// Per request, once it is answered: records <c>moltnet_http_requests_total</c> and
/// <c>moltnet_http_request_duration_seconds</c>, names ASP.NET Core's request span after its route, and logs one
/// request line (under the request id scope). Runs inside <see cref="RequestIds"/>, outside the error envelope.
/// </summary>
public static class RequestTelemetry
{
    /// <summary>Distinct raw paths used as the route label of unmatched requests; later ones share
    /// <see cref="OtherPaths"/>, so random URLs cannot grow the metrics without bound.</summary>
    public const int MaxUnmatchedPaths = 100;

    public const string OtherPaths = "unmatched";

    private static readonly HashSet<string> KnownMethods =
        new(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"], StringComparer.Ordinal);

    public static IApplicationBuilder UseRequestTelemetry(this IApplicationBuilder app)
    {
        var telemetry = app.ApplicationServices.GetRequiredService<Telemetry>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Moltnet.Web.Requests");
        var unmatched = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        return app.Use(async (http, next) =>
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await next(http);
            }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(start);
                var method = KnownMethods.Contains(http.Request.Method) ? http.Request.Method : "_OTHER";
                var path = http.Request.Path.Value is { Length: > 0 } p ? p : "/";
                var pattern = Pattern(http);
                var route = pattern is not null ? $"{method} {pattern}" : Unmatched(unmatched, path);
                var status = http.Response.StatusCode;
                telemetry.RecordRequest(method, route, status, elapsed);
                NameSpan(http, method, pattern, path, status);
                Log.RequestFinished(logger, method, path, status, elapsed.TotalMilliseconds);
            }
        });
    }

    /// <summary>The matched route pattern, e.g. <c>/v1/rooms/{roomId}</c>; null when no route matched. A group's
    /// empty pattern (<c>/v1/rooms</c> + <c>""</c>) comes without the trailing slash the group adds.</summary>
    private static string? Pattern(HttpContext http)
    {
        if (http.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } raw }) return null;
        if (!raw.StartsWith('/')) raw = "/" + raw;
        return raw.Length > 1 ? raw.TrimEnd('/') : raw;
    }

    private static string Unmatched(ConcurrentDictionary<string, bool> seen, string path)
    {
        if (seen.ContainsKey(path)) return path;
        if (seen.Count >= MaxUnmatchedPaths) return OtherPaths;
        seen.TryAdd(path, true);
        return path;
    }

    /// <summary>Gives ASP.NET Core's request span a semantic-convention name (<c>{method} {route}</c>) and tags.</summary>
    private static void NameSpan(HttpContext http, string method, string? pattern, string path, int status)
    {
        if (http.Features.Get<IHttpActivityFeature>()?.Activity is not { IsAllDataRequested: true } activity) return;
        activity.DisplayName = pattern is null ? method : $"{method} {pattern}";
        activity.SetTag("http.request.method", method);
        activity.SetTag("http.route", pattern);
        activity.SetTag("url.path", path);
        activity.SetTag("http.response.status_code", status);
        activity.SetTag("moltnet.request_id", http.TraceIdentifier);
        if (status >= 500) activity.SetStatus(ActivityStatusCode.Error);
    }
}
