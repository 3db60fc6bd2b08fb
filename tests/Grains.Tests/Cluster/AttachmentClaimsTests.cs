using Moltnet.Cluster;

namespace Moltnet.Grains.Tests.Cluster;

/// <summary>The active-attachment rule (spec §4) as <see cref="LocalAttachmentClaims"/> applies it in one process.</summary>
public sealed class AttachmentClaimsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Sessions_with_the_same_credential_key_share_an_agent_and_others_are_refused_until_they_end()
    {
        var claims = new LocalAttachmentClaims();
        Assert.Null(await claims.TryClaimAsync("a", "s1", "token:one", None));
        Assert.Null(await claims.TryClaimAsync("a", "s2", "token:one", None));
        Assert.Equal("agent \"a\" is already attached with different credentials", await claims.TryClaimAsync("a", "s3", "token:two", None));
        Assert.Equal("agent \"a\" already has an active attachment; attach with an actor credential to reconnect",
            await claims.TryClaimAsync("a", "s4", Caller.AnonymousKey, None));
        Assert.Null(await claims.TryClaimAsync("b", "s5", "token:two", None));

        await claims.ReleaseAsync("a", "s1", None);
        Assert.NotNull(await claims.TryClaimAsync("a", "s3", "token:two", None));
        await claims.ReleaseAsync("a", "s2", None);
        Assert.Null(await claims.TryClaimAsync("a", "s3", "token:two", None));
    }

    [Fact]
    public async Task An_anonymous_session_is_alone()
    {
        var claims = new LocalAttachmentClaims();
        Assert.Null(await claims.TryClaimAsync("a", "s1", Caller.AnonymousKey, None));
        Assert.Equal("agent \"a\" already has an active attachment; attach with an actor credential to reconnect",
            await claims.TryClaimAsync("a", "s2", Caller.AnonymousKey, None));
        Assert.NotNull(await claims.TryClaimAsync("a", "s3", "token:one", None));
        await claims.ReleaseAsync("a", "s1", None);
        await claims.ReleaseAsync("a", "s1", None); // a second release is a no-op
        Assert.Null(await claims.TryClaimAsync("a", "s2", Caller.AnonymousKey, None));
    }
}
