using Microsoft.Extensions.DependencyInjection;
using Moltnet.Configuration;

namespace Moltnet.Web.Auth;

/// <summary>Resolves the <see cref="Caller"/> of each request against the route's <see cref="RouteAccess"/> (spec §5).
/// Invalid credentials never fall back to anonymous.</summary>
public static class Authentication
{
    public const string CookieName = "moltnet_auth";
    private static readonly object CallerKey = new();

    public static Caller Caller(this HttpContext http) =>
        http.Items.TryGetValue(CallerKey, out var c) && c is Caller caller ? caller : Grains.Caller.Unrestricted;

    public static IApplicationBuilder UseMoltnetAuthentication(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var access = http.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>();
        if (access is not null)
        {
            var config = http.RequestServices.GetRequiredService<MoltnetConfig>();
            var tokens = http.RequestServices.GetRequiredService<StaticTokens>();
            http.Items[CallerKey] = Resolve(http, config, tokens, access);
        }
        await next(http);
    });

    private static Caller Resolve(HttpContext http, MoltnetConfig config, StaticTokens tokens, RouteAccess access)
    {
        var identity = "addr:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        if (config.Auth.Mode == AuthModes.None) return Grains.Caller.Unrestricted with { Identity = identity };
        var publicRead = config.Auth.Mode == AuthModes.Open || config.Auth.PublicRead;
        var anonymous = new Caller { Identity = identity };
        var presented = Credential(http);
        if (presented is null)
        {
            if (access.Scopes.Count == 0 || (access.PublicRead && publicRead)) return anonymous;
            if (access.AnonymousInOpenMode && config.Auth.Mode == AuthModes.Open) return anonymous;
            throw MoltnetException.Unauthorized("authorization required");
        }
        var token = tokens.Find(presented) ?? throw MoltnetException.Unauthorized("invalid token");
        var caller = new Caller
        {
            CredentialKey = "token:" + token.Id,
            Scopes = token.Scopes.ToHashSet(StringComparer.Ordinal),
            Kind = CallerKind.StaticToken,
            AllowedAgents = token.Agents,
            Identity = "token:" + token.Id,
        };
        if (access.Scopes.Count == 0 || access.Scopes.Any(caller.Has)) return caller;
        if (access.PublicRead && publicRead) return anonymous with { Identity = caller.Identity };
        throw MoltnetException.Forbidden("forbidden");
    }

    /// <summary>The presented secret: Authorization header, else the console cookie, else <c>?access_token</c> on /console.</summary>
    private static string? Credential(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
                throw MoltnetException.Unauthorized("invalid authorization header");
            var value = header["Bearer ".Length..].Trim();
            return value.Length > 0 ? value : throw MoltnetException.Unauthorized("authorization token is required");
        }
        if (http.Request.Cookies.TryGetValue(CookieName, out var cookie) && cookie.Length > 0) return cookie;
        var path = http.Request.Path.Value ?? "";
        if ((path == "/console" || path.StartsWith("/console/", StringComparison.Ordinal))
            && http.Request.Query.TryGetValue("access_token", out var q) && q.ToString().Length > 0)
            return q.ToString();
        return null;
    }
}
