namespace Moltnet.Web.Auth;

/// <summary>Endpoint metadata: the scopes a route accepts and whether anonymous public reads are allowed.</summary>
public sealed record RouteAccess(IReadOnlyList<string> Scopes, bool PublicRead, bool AnonymousInOpenMode = false)
{
    public static readonly RouteAccess Anyone = new([], true);
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
