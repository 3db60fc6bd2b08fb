using Microsoft.Extensions.DependencyInjection;

namespace Moltnet.Web.Auth;

/// <summary><c>GET /</c>, <c>/console</c>, <c>/console/</c> (and deep links such as <c>/console/room/x</c>) with
/// <c>?access_token=T</c>: set the HttpOnly console cookie and redirect to the same URL without the token (spec §5.9), so the
/// page's scripts and API calls carry the cookie. The token is not validated here; every later request is.</summary>
public static class ConsoleBootstrap
{
    public static IApplicationBuilder UseConsoleBootstrap(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var path = http.Request.Path.Value ?? "";
        if (HttpMethods.IsGet(http.Request.Method) && (path is "/" or "/console" || path.StartsWith("/console/", StringComparison.Ordinal))
            && http.Request.Query.TryGetValue("access_token", out var token) && token.ToString().Length > 0)
        {
            var origins = http.RequestServices.GetRequiredService<OriginPolicy>();
            http.Response.Cookies.Append(Authentication.CookieName, token.ToString(), new CookieOptions
            {
                Path = "/",
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = origins.Scheme(http) == "https",
            });
            var rest = http.Request.Query.Where(q => q.Key != "access_token")
                .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}"));
            var query = string.Join('&', rest);
            http.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            http.Response.Headers.Location = path + (query.Length > 0 ? "?" + query : "");
            http.Response.Headers.CacheControl = "no-store";
            return;
        }
        await next(http);
    });
}
