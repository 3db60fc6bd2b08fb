using Microsoft.Extensions.DependencyInjection;
using Moltnet.Configuration;
using Moltnet.Runtime;

namespace Moltnet.Web.Auth;

/// <summary>Resolves the <see cref="Caller"/> of each request against the route's <see cref="RouteAccess"/> (spec §5).
/// Invalid credentials never fall back to anonymous.</summary>
public static class Authentication
{
    public const string CookieName = "moltnet_auth";
    private static readonly object CallerKey = new();
    private static readonly object FromCookieKey = new();

    public static Caller Caller(this HttpContext http) =>
        http.Items.TryGetValue(CallerKey, out var c) && c is Caller caller ? caller : Grains.Caller.Unrestricted;

    /// <summary>True when the request authenticated with the console cookie (state changes then need a same-origin check).</summary>
    public static bool AuthenticatedByCookie(this HttpContext http) => http.Items.ContainsKey(FromCookieKey);

    public static IApplicationBuilder UseMoltnetAuthentication(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var access = http.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>();
        if (access is not null)
        {
            var caller = await ResolveAsync(http, access);
            http.Items[CallerKey] = caller;
            if (http.AuthenticatedByCookie() && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
                http.RequestServices.GetRequiredService<OriginPolicy>().RequireSameOrigin(http);
        }
        await next(http);
    });

    private static async Task<Caller> ResolveAsync(HttpContext http, RouteAccess access)
    {
        var config = http.RequestServices.GetRequiredService<MoltnetConfig>();
        var identity = "addr:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        if (config.Auth.Mode == AuthModes.None) return Grains.Caller.Unrestricted with { Identity = identity };
        var publicRead = config.Auth.Mode == AuthModes.Open || config.Auth.PublicRead;
        var anonymous = new Caller { Identity = identity };
        var presented = Credential(http);
        if (presented is null)
        {
            if (access.Scopes.Count == 0 || (access.PublicRead && publicRead) || access.AnonymousAllowed(config)) return anonymous;
            throw MoltnetException.Unauthorized("authorization required");
        }
        var caller = await FindAsync(http, config, presented) ?? throw MoltnetException.Unauthorized("invalid token");
        if (access.Scopes.Count == 0 || access.Scopes.Any(caller.Has)) return caller;
        if (access.PublicRead && publicRead) return anonymous with { Identity = caller.Identity };
        throw MoltnetException.Forbidden("forbidden");
    }

    /// <summary>A static token first (constant-time), else an agent token by its hash-derived credential key.</summary>
    private static async Task<Caller?> FindAsync(HttpContext http, MoltnetConfig config, string presented)
    {
        if (http.RequestServices.GetRequiredService<StaticTokens>().Find(presented) is { } token)
            return new Caller
            {
                CredentialKey = "token:" + token.Id,
                Scopes = token.Scopes.ToHashSet(StringComparer.Ordinal),
                Kind = CallerKind.StaticToken,
                AllowedAgents = token.Agents,
                Identity = "token:" + token.Id,
            };
        if (!presented.StartsWith("magt_v1_", StringComparison.Ordinal)) return null;
        var key = "agent-token:" + Ids.Sha256Hex(presented);
        var grains = http.RequestServices.GetRequiredService<IGrainFactory>();
        var registration = await grains.GetGrain<IRegistryGrain>(config.Network.Id).FindByCredentialAsync(key, http.RequestAborted);
        if (registration is null) return null;
        return new Caller
        {
            CredentialKey = key,
            Scopes = AgentScopes,
            Kind = CallerKind.AgentToken,
            AllowedAgents = [registration.AgentId],
            Identity = "agent:" + registration.AgentId,
        };
    }

    private static readonly IReadOnlySet<string> AgentScopes = new HashSet<string>(StringComparer.Ordinal) { Scopes.Write, Scopes.Attach };

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
        if (http.Request.Cookies.TryGetValue(CookieName, out var cookie) && cookie.Length > 0)
        {
            http.Items[FromCookieKey] = true;
            return cookie;
        }
        var path = http.Request.Path.Value ?? "";
        if ((path == "/console" || path.StartsWith("/console/", StringComparison.Ordinal))
            && http.Request.Query.TryGetValue("access_token", out var q) && q.ToString().Length > 0)
            return q.ToString();
        return null;
    }
}
