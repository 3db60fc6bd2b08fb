using Moltnet.Configuration;

namespace Moltnet.Web.Tests;

public sealed class AuthBasicsTests
{
    private static MoltnetConfig Config(bool publicRead) => new()
    {
        Storage = new StorageSection { Kind = StorageKinds.Memory },
        Auth = new AuthSection
        {
            Mode = AuthModes.Bearer,
            PublicRead = publicRead,
            Tokens =
            [
                new TokenConfig { Id = "ops", Value = "admin-secret", Scopes = [Scopes.Admin, Scopes.Observe, Scopes.Write] },
                new TokenConfig { Id = "reader", Value = "read-secret", Scopes = [Scopes.Observe] },
                new TokenConfig { Id = "peer", Value = "pair-secret", Scopes = [Scopes.Pair] },
            ],
        },
    };

    [Fact]
    public async Task Bearer_mode_checks_credentials_and_scopes()
    {
        await using var s = await TestServer.StartAsync(Config(publicRead: false));
        (await s.Client.Get("/v1/rooms")).AssertError(401, "unauthorized", "authorization required");
        using var bad = new HttpRequestMessage(HttpMethod.Get, "/v1/rooms");
        bad.Headers.TryAddWithoutValidation("Authorization", "bearer admin-secret");
        Assert.Equal(401, (int)(await s.Client.SendAsync(bad)).StatusCode);
        (await s.ClientWithToken("nope").Get("/v1/rooms")).AssertError(401, "unauthorized", "invalid token");
        (await s.ClientWithToken("read-secret").Post("/v1/rooms", """{"id":"x"}""")).AssertError(403, "forbidden");
        Assert.Equal(201, (int)(await s.ClientWithToken("admin-secret").Post("/v1/rooms", """{"id":"x"}""")).Status);
        Assert.Equal(200, (int)(await s.ClientWithToken("read-secret").Get("/v1/rooms/x")).Status);
        Assert.Equal(200, (int)(await s.Client.Get("/healthz")).Status);
        var network = await s.ClientWithToken("admin-secret").Get("/v1/network");
        Assert.True((bool)network.Body!["console"]!["can_send_human"]!);
        Assert.False((bool)(await s.ClientWithToken("read-secret").Get("/v1/network")).Body!["console"]!["can_send_human"]!);
    }

    [Fact]
    public async Task Public_read_shows_public_rooms_only_and_never_accepts_bad_tokens()
    {
        await using var s = await TestServer.StartAsync(Config(publicRead: true));
        var admin = s.ClientWithToken("admin-secret");
        await admin.Post("/v1/rooms", """{"id":"open","visibility":"public"}""");
        await admin.Post("/v1/rooms", """{"id":"closed"}""");
        var anon = await s.Client.Get("/v1/rooms");
        Assert.Equal(["open"], anon.Body!["rooms"]!.AsArray().Select(r => (string)r!["id"]!).ToArray());
        Assert.Equal("public-read/members-write", (string?)anon.Body!["rooms"]![0]!["access"]!["reason"]);
        (await s.Client.Get("/v1/rooms/closed")).AssertError(403, "forbidden", "room closed is not readable");
        (await s.Client.Get("/v1/rooms/missing")).AssertError(404, "not_found");
        (await s.ClientWithToken("wrong").Get("/v1/rooms")).AssertError(401, "unauthorized", "invalid token");
        var pair = await s.ClientWithToken("pair-secret").Get("/v1/rooms");
        Assert.Single(pair.Body!["rooms"]!.AsArray());
        (await s.Client.Post("/v1/rooms", """{"id":"x"}""")).AssertError(401, "unauthorized");
    }

    [Fact]
    public async Task Non_loopback_listener_without_auth_is_warned_about()
    {
        var config = new MoltnetConfig { Storage = new StorageSection { Kind = StorageKinds.Memory } };
        await using var s = await TestServer.StartAsync(config with { Server = config.Server with { ListenAddr = ":0" } });
        var warnings = (await s.Client.Get("/v1/network")).Body!["warnings"]!.AsArray();
        Assert.Equal("server.unauthenticated_exposure", (string?)warnings.Single()!["code"]);
        await using var local = await TestServer.StartAsync(config with { Server = config.Server with { ListenAddr = "127.0.0.1:0" } });
        Assert.Null((await local.Client.Get("/v1/network")).Body!["warnings"]);
    }
}
