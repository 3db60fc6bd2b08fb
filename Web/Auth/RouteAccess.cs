using Moltnet.Configuration;

namespace Moltnet.Web.Auth;

/// <summary>Endpoint metadata: the scopes a route accepts, whether anonymous public reads are allowed, and when else an
/// anonymous caller may reach the handler (which then decides, e.g. open registration).</summary>
public sealed record RouteAccess(IReadOnlyList<string> Scopes, bool PublicRead, Func<MoltnetConfig, bool>? Anonymous = null)
{
    public static readonly RouteAccess Anyone = new([], true);

    public bool AnonymousAllowed(MoltnetConfig config) => Anonymous?.Invoke(config) ?? false;

    /// <summary>Anonymous callers reach the handler in open mode (sends: "must be registered" comes from the rules).</summary>
    public static bool OpenMode(MoltnetConfig c) => c.Auth.Mode == AuthModes.Open;

    /// <summary>Anonymous callers may register when registration is open (or the mode is open).</summary>
    public static bool OpenRegistration(MoltnetConfig c) =>
        c.Auth.Mode == AuthModes.Open || c.Auth.AgentRegistration == RegistrationModes.Open;
}

public static class RouteAccessExtensions
{
    /// <summary>Any of <paramref name="scopes"/> admits the caller.</summary>
    public static TBuilder RequireScopes<TBuilder>(this TBuilder builder, params string[] scopes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RouteAccess(scopes, false));

    /// <summary>Any of <paramref name="scopes"/>, or anonymous when <c>public_read</c> is on (results filtered to public rooms).</summary>
    public static TBuilder AllowPublicRead<TBuilder>(this TBuilder builder, params string[] scopes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RouteAccess(scopes, true));

    /// <summary>No credential needed (an invalid one is still refused).</summary>
    public static TBuilder AllowAnyone<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RouteAccess.Anyone);
}
