using Moltnet.Configuration;
using Moltnet.Web.Auth;

namespace Moltnet.Web.Discovery;

/// <summary>What a discovery document may say to this caller: the public base URL, network facts and room access.</summary>
public sealed record DiscoveryContext(
    string BaseUrl,
    MoltnetConfig Config,
    Caller Caller,
    IReadOnlyList<Room> Rooms,
    bool RoomsTruncated)
{
    public string NetworkId => Config.Network.Id;
    public string NetworkName => string.IsNullOrEmpty(Config.Network.Name) ? Config.Network.Id : Config.Network.Name;
    public string AuthMode => Config.Auth.Mode;
    public bool PublicRead => Config.Auth.Mode == AuthModes.Open || Config.Auth.PublicRead;
    public string Registration => Config.Auth.Mode == AuthModes.Open ? RegistrationModes.Open : Config.Auth.AgentRegistration;
    public bool DirectMessages => Config.Server.DirectMessages;

    public bool CanRead => Caller.SeesEverything || PublicRead;
    public bool CanWrite => Caller.ModeNone || Caller.Has(Scopes.Write);
    public bool IsAdmin => Caller.ModeNone || Caller.Has(Scopes.Admin);
    public bool CanExec => Caller.ModeNone || Caller.Has(Scopes.Exec);
    public bool CanRegister => Caller.ModeNone || Caller.Has(Scopes.Admin) || Caller.Has(Scopes.Attach) || Registration == RegistrationModes.Open;
    public bool ReadsDms => Caller.SeesEverything && DirectMessages;

    public IEnumerable<Room> Readable => Rooms.Where(r => r.Access?.CanRead ?? true);
    public IEnumerable<Room> Writable => Rooms.Where(r => r.Access?.CanWrite ?? false);

    /// <summary><c>admin</c>, <c>read/write</c>, <c>read-only</c>, <c>write-only</c>, <c>public read</c> or <c>limited</c>.</summary>
    public string AccessLabel
    {
        get
        {
            if (IsAdmin) return "admin";
            var observe = Caller.Has(Scopes.Observe);
            var write = Caller.Has(Scopes.Write);
            if (observe && write) return "read/write";
            if (observe) return "read-only";
            if (write) return "write-only";
            return Caller.Kind == CallerKind.Anonymous && PublicRead ? "public read" : "limited";
        }
    }

    /// <summary>https under TLS, else a trusted proxy's first <c>X-Forwarded-Proto</c>, else http; host = a trusted proxy's
    /// <c>X-Forwarded-Host</c>, else <c>Host</c> (improvement server 12: untrusted forwarded headers are ignored).</summary>
    public static string BaseUrlOf(HttpContext http, OriginPolicy origins)
    {
        var scheme = "http";
        if (http.Request.IsHttps) scheme = "https";
        else if (origins.FromTrustedProxy(http))
        {
            var proto = http.Request.Headers["X-Forwarded-Proto"].ToString().Split(',', 2)[0].Trim().ToLowerInvariant();
            if (proto is "http" or "https") scheme = proto;
        }
        return $"{scheme}://{origins.Host(http)}";
    }
}
