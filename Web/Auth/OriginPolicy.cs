using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Moltnet.Configuration;

namespace Moltnet.Web.Auth;

/// <summary>Browser origins and forwarded headers (spec §5.9, improvements.md server 12–13): which <c>Origin</c> may open a
/// stream or WebSocket, the request's own origin (forwarded headers trusted only from configured proxies), and the
/// same-origin check for cookie-authenticated state changes.</summary>
public sealed class OriginPolicy(MoltnetConfig config, IServer server)
{
    private readonly IReadOnlyList<IPNetwork> _proxies = config.Server.TrustedProxies
        .Select(p => IPNetwork.TryParse(p, out var n) ? n : IPAddress.TryParse(p, out var ip) ? new IPNetwork(ip, ip.GetAddressBytes().Length * 8) : (IPNetwork?)null)
        .OfType<IPNetwork>()
        .ToList();

    private IReadOnlySet<string>? _defaults;

    /// <summary>True when the request came through a proxy we trust with <c>X-Forwarded-*</c>.</summary>
    public bool FromTrustedProxy(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } ip && _proxies.Any(n => n.Contains(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip));

    /// <summary>The scheme the client used: TLS, else a trusted proxy's <c>X-Forwarded-Proto</c>, else http.</summary>
    public string Scheme(HttpContext http)
    {
        if (http.Request.IsHttps) return "https";
        if ((config.Server.TrustForwardedProto || FromTrustedProxy(http))
            && First(http.Request.Headers["X-Forwarded-Proto"]) is { Length: > 0 } proto) return proto.ToLowerInvariant();
        return "http";
    }

    /// <summary>The host the client used (a trusted proxy's <c>X-Forwarded-Host</c>, else <c>Host</c>).</summary>
    public string Host(HttpContext http) =>
        FromTrustedProxy(http) && First(http.Request.Headers["X-Forwarded-Host"]) is { Length: > 0 } host ? host : http.Request.Host.Value ?? "localhost";

    public string RequestOrigin(HttpContext http) => Normalize($"{Scheme(http)}://{Host(http)}") ?? "";

    /// <summary>No Origin header (not a browser) is allowed; a browser origin must be this server's own or an allowed one.</summary>
    public bool BrowserOriginAllowed(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        return origin.Length == 0 || IsAllowed(origin, http);
    }

    /// <summary>Cookie-authenticated state changes must come from an allowed origin (CSRF); without Origin, Referer decides.</summary>
    public void RequireSameOrigin(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0 && Uri.TryCreate(http.Request.Headers.Referer.ToString(), UriKind.Absolute, out var referer))
            origin = referer.GetLeftPart(UriPartial.Authority);
        if (origin.Length == 0 || !IsAllowed(origin, http))
            throw MoltnetException.Forbidden("cross-origin request refused");
    }

    private bool IsAllowed(string origin, HttpContext http)
    {
        var normalized = Normalize(origin);
        if (normalized is null) return false;
        if (normalized == RequestOrigin(http)) return true;
        var configured = config.Server.AllowedOrigins.Select(Normalize).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return configured.Count > 0 ? configured.Contains(normalized) : Defaults().Contains(normalized);
    }

    /// <summary>Without configured origins: http(s)://localhost:P and http(s)://127.0.0.1:P (plus the listen host) for each bound port.</summary>
    private IReadOnlySet<string> Defaults()
    {
        if (_defaults is not null) return _defaults;
        var set = new HashSet<string>(StringComparer.Ordinal);
        var (listenHost, _) = Api.ListenAddress.Parse(config.Server.ListenAddr);
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (!Uri.TryCreate(address.Replace("*", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)) continue;
            foreach (var host in new[] { "localhost", "127.0.0.1", listenHost }.Where(h => h.Length > 0 && h is not ("0.0.0.0" or "::")))
                foreach (var scheme in new[] { "http", "https" })
                    set.Add($"{scheme}://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{uri.Port}");
        }
        return _defaults = set;
    }

    /// <summary><c>scheme://host[:port]</c> in lower case with default ports dropped; null for anything with a path.</summary>
    public static string? Normalize(string origin)
    {
        if (!Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
        if (uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0) return null;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
    }

    private static string? First(Microsoft.Extensions.Primitives.StringValues values) =>
        values.ToString().Split(',', 2)[0].Trim() is { Length: > 0 } v ? v : null;
}
