using System.Net;
using Moltnet.Configuration;
using Moltnet.Runtime;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;

namespace Moltnet.Web.Api;

/// <summary><c>GET /v1/network</c>.</summary>
public static class NetworkApi
{
    public static IEndpointRouteBuilder MapNetwork(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/apply", async (HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
                Reply.Ok(await grains.GetGrain<IRegistryGrain>(config.Network.Id)
                    .ApplyAsync(await JsonBody.ReadAsync<ApplyRequest>(http.Request), CancellationToken.None)))
            .RequireScopes(Scopes.Admin);
        app.MapGet("/", () => Results.Redirect("/console/", permanent: false, preserveMethod: true)).AllowAnyone();
        app.MapGet("/v1/network", async (HttpContext http, NetworkDescriber describer) =>
                Reply.Ok(await describer.DescribeAsync(http.Caller(), http.RequestAborted)))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin, Scopes.Pair, Scopes.Attach);
        return app;
    }
}

/// <summary>Builds the <see cref="Network"/> document from config and live state.</summary>
public sealed class NetworkDescriber(MoltnetConfig config, IEnumerable<INetworkWarnings> warningSources,
    IEnumerable<IAsyncNetworkWarnings> asyncSources)
{
    public static readonly string Version = typeof(NetworkDescriber).Assembly.GetName().Version?.ToString(3) ?? "0.0.0-dev";

    /// <summary>The document with live warnings (pairing status comes from the store, so every replica answers the same).</summary>
    public async Task<Network> DescribeAsync(Caller caller, CancellationToken ct)
    {
        var extra = new List<Warning>();
        foreach (var source in asyncSources) extra.AddRange(await source.CurrentAsync(ct));
        return Describe(caller, extra);
    }

    public Network Describe(Caller caller, IReadOnlyList<Warning>? extraWarnings = null)
    {
        var auth = config.Auth;
        var open = auth.Mode == AuthModes.Open;
        var warnings = warningSources.SelectMany(w => w.Current()).Concat(extraWarnings ?? []).ToList();
        return new Network(
            config.Network.Id,
            config.Network.Name,
            Version,
            Protocols.Current,
            new Capabilities
            {
                PublicRead = open || auth.PublicRead,
                AgentRegistration = open ? RegistrationModes.Open : auth.AgentRegistration,
                DebugEvents = config.Server.DebugEvents ? true : null,
                HumanIngress = config.Server.HumanIngress,
                DirectMessages = config.Server.DirectMessages,
                Pairings = config.Pairings.Count > 0,
            },
            new ConsoleInfo(config.Server.HumanIngress
                && (caller.ModeNone || (caller.Kind == CallerKind.StaticToken && caller.Has(Scopes.Write)))),
            warnings.Count == 0 ? null : warnings);
    }
}

/// <summary>A source of operator warnings shown in <c>/v1/network</c>.</summary>
public interface INetworkWarnings
{
    IEnumerable<Warning> Current();
}

/// <summary>A source of warnings that needs I/O (e.g. the shared pairing status).</summary>
public interface IAsyncNetworkWarnings
{
    Task<IReadOnlyList<Warning>> CurrentAsync(CancellationToken ct);
}

/// <summary>Warns when the server listens beyond loopback with no authentication.</summary>
public sealed class ExposureWarnings(MoltnetConfig config) : INetworkWarnings
{
    public IEnumerable<Warning> Current()
    {
        if (config.Auth.Mode == AuthModes.None && !ListenAddress.IsLoopbackOnly(config.Server.ListenAddr))
            yield return new Warning("warning", "server.unauthenticated_exposure",
                $"The server listens on {config.Server.ListenAddr} (beyond loopback) with auth.mode none: anyone who can reach it has full access.",
                "Set auth.mode to bearer with tokens, or listen on 127.0.0.1.");
    }
}

/// <summary>Parses Go-style listen addresses (<c>:8787</c>, <c>127.0.0.1:8787</c>, <c>[::1]:8787</c>).</summary>
public static class ListenAddress
{
    public static (string Host, int Port) Parse(string addr)
    {
        var colon = addr.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(addr[(colon + 1)..], out var port) || port is < 0 or > 65535)
            throw new FormatException($"invalid listen address \"{addr}\"");
        return (addr[..colon].Trim('[', ']'), port);
    }

    public static bool IsLoopbackOnly(string addr)
    {
        var (host, _) = Parse(addr);
        return host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>The Kestrel URL for a listen address (an empty host binds every interface).</summary>
    public static string ToUrl(string addr)
    {
        var (host, port) = Parse(addr);
        if (host.Length == 0) return $"http://*:{port}";
        return IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"http://[{host}]:{port}"
            : $"http://{host}:{port}";
    }
}
