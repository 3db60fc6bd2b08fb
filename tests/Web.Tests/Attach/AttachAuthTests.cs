using Moltnet.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.Web.Tests.Attach;

/// <summary>Attach route auth (spec §5.4), origins (§5.9) and the active-attachment registry.</summary>
public sealed class AttachAuthTests
{
    private static MoltnetConfig Config(string mode, params TokenConfig[] tokens) => new()
    {
        Storage = new StorageSection { Kind = StorageKinds.Memory },
        Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
        Auth = new AuthSection { Mode = mode, Tokens = tokens },
    };

    private static readonly TokenConfig Attach1 = new() { Id = "a1", Value = "attach-one", Scopes = ["attach"] };
    private static readonly TokenConfig Attach2 = new() { Id = "a2", Value = "attach-two", Scopes = ["attach"] };
    private static readonly TokenConfig Observer = new() { Id = "obs", Value = "observe-only", Scopes = ["observe"] };
    private static readonly TokenConfig OnlyBeta = new() { Id = "b", Value = "beta-only", Scopes = ["attach"], Agents = ["beta"] };

    [Fact]
    public async Task Bearer_mode_needs_an_attach_credential_and_an_allowed_origin()
    {
        await using var server = await TestServer.StartAsync(Config(AuthModes.Bearer, Attach1, Observer));
        Assert.Equal(401, await AttachClient.RefusedStatusAsync(server.Url));
        Assert.Equal(401, await AttachClient.RefusedStatusAsync(server.Url, "wrong"));
        Assert.Equal(403, await AttachClient.RefusedStatusAsync(server.Url, "observe-only"));
        Assert.Equal(403, await AttachClient.RefusedStatusAsync(server.Url, "attach-one", origin: "http://evil.example"));
        var (c, _) = await AttachClient.AttachAsync(server.Url, "alpha", "attach-one");
        await c.DisposeAsync();
    }

    [Fact]
    public async Task Static_token_allowlist_applies_to_identify()
    {
        await using var server = await TestServer.StartAsync(Config(AuthModes.Bearer, OnlyBeta));
        await using var c = await AttachClient.ConnectAsync(server.Url, "beta-only");
        await c.ReceiveAsync();
        await c.SendAsync(AttachClient.Identify("alpha"));
        Assert.Equal("attachment agent.id \"alpha\" is not allowed for this token", await c.ExpectClosedAsync());
    }

    [Fact]
    public async Task Same_credential_may_reconnect_another_may_not()
    {
        await using var server = await TestServer.StartAsync(Config(AuthModes.Bearer, Attach1, Attach2));
        var (one, _) = await AttachClient.AttachAsync(server.Url, "alpha", "attach-one");
        await using var _one = one;
        var (two, _) = await AttachClient.AttachAsync(server.Url, "alpha", "attach-one");
        await using var _two = two;
        await using var other = await AttachClient.ConnectAsync(server.Url, "attach-two");
        await other.ReceiveAsync();
        await other.SendAsync(AttachClient.Identify("alpha"));
        Assert.Equal("agent \"alpha\" is already registered with different credentials", await other.ExpectClosedAsync());
    }

    [Fact]
    public async Task Anonymous_second_session_is_refused_in_mode_none()
    {
        await using var server = await TestServer.StartAsync(Config(AuthModes.None));
        var (first, _) = await AttachClient.AttachAsync(server.Url, "alpha");
        await using var _first = first;
        await using var second = await AttachClient.ConnectAsync(server.Url);
        await second.ReceiveAsync();
        await second.SendAsync(AttachClient.Identify("alpha"));
        Assert.Equal("agent \"alpha\" already has an active attachment; attach with an actor credential to reconnect",
            await second.ExpectClosedAsync());
    }

    [Fact]
    public async Task Open_mode_claims_with_a_token_once_and_then_requires_it()
    {
        await using var server = await TestServer.StartAsync(Config(AuthModes.Open));
        var (first, ready) = await AttachClient.AttachAsync(server.Url, "alpha");
        var token = (string)ready["agent_token"]!;
        Assert.StartsWith("magt_v1_", token, StringComparison.Ordinal);
        await using var _first = first;
        await using (var anonymous = await AttachClient.ConnectAsync(server.Url))
        {
            await anonymous.ReceiveAsync();
            await anonymous.SendAsync(AttachClient.Identify("alpha"));
            Assert.Equal("agent \"alpha\" requires its agent token", await anonymous.ExpectClosedAsync());
        }
        var (again, readyAgain) = await AttachClient.AttachAsync(server.Url, "alpha", token);
        await using var _again = again;
        Assert.Null(readyAgain["agent_token"]);
        Assert.Equal(403, await AttachClient.RefusedStatusAsync(server.Url, token, origin: "http://evil.example"));
        Assert.Equal(401, await AttachClient.RefusedStatusAsync(server.Url, "magt_v1_unknown"));
    }
}
