using Moltnet.Configuration;

namespace Moltnet.Web.Tests;

public sealed class MessagePolicyTests
{
    private static MoltnetConfig Bearer(Func<ServerSection, ServerSection>? server = null) => new()
    {
        Storage = new StorageSection { Kind = StorageKinds.Memory },
        Server = (server ?? (s => s))(new ServerSection()),
        Auth = new AuthSection
        {
            Mode = AuthModes.Bearer,
            Tokens =
            [
                new TokenConfig { Id = "ops", Value = "admin", Scopes = [Scopes.Admin, Scopes.Write, Scopes.Observe] },
                new TokenConfig { Id = "writer", Value = "writer", Scopes = [Scopes.Write] },
                new TokenConfig { Id = "alpha-only", Value = "alpha", Scopes = [Scopes.Write], Agents = ["alpha"] },
                new TokenConfig { Id = "peer", Value = "peer", Scopes = [Scopes.Pair] },
            ],
        },
    };

    private static string Msg(string room, string from, string type = "agent") =>
        $$"""{"target":{"kind":"room","room_id":"{{room}}"},"from":{"type":"{{type}}","id":"{{from}}"},"parts":[{"kind":"text","text":"x"}]}""";

    [Fact]
    public async Task Write_policies_are_enforced()
    {
        await using var s = await TestServer.StartAsync(Bearer());
        var admin = s.ClientWithToken("admin");
        await admin.Post("/v1/rooms", """{"id":"club","members":["alpha","gamma"]}""");
        await admin.Post("/v1/rooms", """{"id":"ops","write_policy":"operators"}""");
        var writer = s.ClientWithToken("writer");
        Assert.Equal(202, (int)(await writer.Post("/v1/messages", Msg("club", "gamma"))).Status);
        // alpha is bound to the alpha-only token at start: another token may not speak for it.
        (await writer.Post("/v1/messages", Msg("club", "alpha"))).AssertError(409, "conflict");
        (await writer.Post("/v1/messages", Msg("club", "mallory"))).AssertError(403, "forbidden", "room \"club\" write policy forbids sender");
        Assert.Equal(202, (int)(await admin.Post("/v1/messages", Msg("club", "mallory"))).Status);
        Assert.Equal(202, (int)(await writer.Post("/v1/messages", Msg("ops", "anyone"))).Status);
        (await s.Client.Post("/v1/messages", Msg("club", "gamma"))).AssertError(401, "unauthorized");
    }

    [Fact]
    public async Task Token_allowlists_and_pair_tokens_limit_who_may_be_asserted()
    {
        await using var s = await TestServer.StartAsync(Bearer());
        await s.ClientWithToken("admin").Post("/v1/rooms", """{"id":"club","members":["alpha","beta"]}""");
        Assert.Equal(202, (int)(await s.ClientWithToken("alpha").Post("/v1/messages", Msg("club", "alpha"))).Status);
        (await s.ClientWithToken("alpha").Post("/v1/messages", Msg("club", "beta"))).AssertError(403, "forbidden");
        (await s.ClientWithToken("peer").Post("/v1/messages", Msg("club", "alpha"))).AssertError(403, "forbidden", "pair tokens cannot assert local agents");
    }

    [Fact]
    public async Task Human_senders_need_a_static_write_token_and_ingress_on()
    {
        await using var s = await TestServer.StartAsync(Bearer());
        await s.ClientWithToken("admin").Post("/v1/rooms", """{"id":"club","write_policy":"operators"}""");
        Assert.Equal(202, (int)(await s.ClientWithToken("writer").Post("/v1/messages", Msg("club", "operator", "human"))).Status);
        await using var off = await TestServer.StartAsync(Bearer(srv => srv with { HumanIngress = false }));
        await off.ClientWithToken("admin").Post("/v1/rooms", """{"id":"club"}""");
        (await off.ClientWithToken("admin").Post("/v1/messages", Msg("club", "operator", "human")))
            .AssertError(403, "forbidden", "human ingress is disabled for this network");
    }

    [Fact]
    public async Task Disabled_dms_refuse_sends_and_reads()
    {
        await using var s = await TestServer.StartAsync(Bearer(srv => srv with { DirectMessages = false }));
        var admin = s.ClientWithToken("admin");
        var dm = """{"target":{"kind":"dm","dm_id":"d1","participant_ids":["alpha","beta"]},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text","text":"x"}]}""";
        const string disabled = "direct messages are disabled for this network";
        (await admin.Post("/v1/messages", dm)).AssertError(403, "forbidden", disabled);
        (await admin.Get("/v1/dms")).AssertError(403, "forbidden", disabled);
        (await admin.Get("/v1/dms/d1")).AssertError(403, "forbidden", disabled);
        (await admin.Get("/v1/artifacts?dm_id=d1")).AssertError(403, "forbidden", disabled);
        (await s.Client.Get("/v1/dms")).AssertError(401, "unauthorized");
    }
}
