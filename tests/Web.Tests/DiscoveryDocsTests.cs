using Moltnet.Configuration;

namespace Moltnet.Web.Tests;

/// <summary><c>/llms.txt</c>, <c>/install.md</c>, <c>/skill.md</c> (spec §8): content types, access-dependent content, and
/// forwarded headers honoured only from trusted proxies (improvement server 12).</summary>
public sealed class DiscoveryDocsTests
{
    private static MoltnetConfig Config(bool publicRead = false, IReadOnlyList<string>? proxies = null) => new()
    {
        Network = new NetworkSection { Id = "lab", Name = "Lab Net" },
        Storage = new StorageSection { Kind = StorageKinds.Memory },
        Server = new ServerSection { ListenAddr = "127.0.0.1:0", TrustedProxies = proxies ?? [] },
        Auth = new AuthSection
        {
            Mode = AuthModes.Bearer,
            PublicRead = publicRead,
            Tokens =
            [
                new TokenConfig { Id = "ops", Value = "admin-secret", Scopes = [Scopes.Admin, Scopes.Observe, Scopes.Write] },
                new TokenConfig { Id = "reader", Value = "read-secret", Scopes = [Scopes.Observe] },
                new TokenConfig { Id = "writer", Value = "write-secret", Scopes = [Scopes.Write] },
            ],
        },
        Rooms =
        [
            new RoomDeclaration { Id = "open-room", Visibility = "public", Members = ["alpha"] },
            new RoomDeclaration { Id = "secret-room", Members = ["alpha"] },
        ],
    };

    private static async Task<(int Status, string? Type, string Body)> Get(HttpClient client, string path, Action<HttpRequestMessage>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        headers?.Invoke(request);
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Documents_have_their_content_types_and_links()
    {
        await using var s = await TestServer.StartAsync(Config());
        var admin = s.ClientWithToken("admin-secret");

        var llms = await Get(admin, "/llms.txt");
        var install = await Get(admin, "/install.md");
        var skill = await Get(admin, "/skill.md");

        Assert.Equal((200, "text/plain"), (llms.Status, llms.Type));
        Assert.StartsWith("# Lab Net Moltnet\n\nAgent join guide:\n" + s.Url + "/install.md\n", llms.Body, StringComparison.Ordinal);
        Assert.Contains("Network metadata:\n" + s.Url + "/v1/network\n", llms.Body, StringComparison.Ordinal);
        Assert.Equal((200, "text/markdown"), (install.Status, install.Type));
        Assert.Contains("Network id: `lab`", install.Body, StringComparison.Ordinal);
        Assert.Contains("moltnet connect --runtime codex --base-url " + s.Url + " --network-id lab", install.Body, StringComparison.Ordinal);
        Assert.Contains("version: moltnet.node.v1", install.Body, StringComparison.Ordinal);
        Assert.Equal((200, "text/markdown"), (skill.Status, skill.Type));
        Assert.StartsWith("---\nname: moltnet\n", skill.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Content_depends_on_the_callers_access()
    {
        await using var s = await TestServer.StartAsync(Config(publicRead: true));

        var admin = (await Get(s.ClientWithToken("admin-secret"), "/skill.md")).Body;
        var reader = (await Get(s.ClientWithToken("read-secret"), "/skill.md")).Body;
        var writer = await Get(s.ClientWithToken("write-secret"), "/skill.md");
        var anonymous = (await Get(s.Client, "/skill.md")).Body;
        var anonymousInstall = (await Get(s.Client, "/install.md")).Body;
        var adminInstall = (await Get(s.ClientWithToken("admin-secret"), "/install.md")).Body;

        Assert.Contains("Access: admin.", admin, StringComparison.Ordinal);
        Assert.Contains("moltnet admin room remove", admin, StringComparison.Ordinal);
        Assert.Contains("moltnet send --target room:<id>", admin, StringComparison.Ordinal);
        Assert.Contains("Access: read-only.", reader, StringComparison.Ordinal);
        Assert.Contains("moltnet read --target room:<id>", reader, StringComparison.Ordinal);
        Assert.DoesNotContain("moltnet send", reader, StringComparison.Ordinal);
        Assert.DoesNotContain("moltnet admin", reader, StringComparison.Ordinal);
        Assert.Equal(200, writer.Status);
        Assert.Contains("Access: write-only.", writer.Body, StringComparison.Ordinal);
        Assert.Contains("Access: public read.", anonymous, StringComparison.Ordinal);
        Assert.DoesNotContain("moltnet send", anonymous, StringComparison.Ordinal);
        Assert.Contains("Readable: `open-room`\n", anonymousInstall, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-room", anonymousInstall, StringComparison.Ordinal);
        Assert.Contains("Readable: `open-room`, `secret-room`", adminInstall, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route_auth_follows_the_spec()
    {
        await using var s = await TestServer.StartAsync(Config());

        Assert.Equal(401, (await Get(s.Client, "/install.md")).Status);
        Assert.Equal(401, (await Get(s.Client, "/skill.md")).Status);
        Assert.Equal(403, (await Get(s.ClientWithToken("write-secret"), "/install.md")).Status);
        Assert.Equal(403, (await Get(s.ClientWithToken("write-secret"), "/llms.txt")).Status);
        Assert.Equal(200, (await Get(s.ClientWithToken("read-secret"), "/llms.txt")).Status);
        Assert.Equal(200, (await Get(s.ClientWithToken("write-secret"), "/skill.md")).Status);
    }

    [Theory]
    [InlineData(false, "http://127.0.0.1:")]
    [InlineData(true, "https://chat.example.org")]
    public async Task Forwarded_headers_are_trusted_only_from_configured_proxies(bool trusted, string expectedBase)
    {
        await using var s = await TestServer.StartAsync(Config(proxies: trusted ? ["127.0.0.1"] : []));

        var llms = await Get(s.ClientWithToken("admin-secret"), "/llms.txt", r =>
        {
            r.Headers.Add("X-Forwarded-Proto", "https, http");
            r.Headers.Add("X-Forwarded-Host", "chat.example.org");
        });

        Assert.Contains("Agent join guide:\n" + expectedBase, llms.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(trusted ? "127.0.0.1" : "example.org", llms.Body, StringComparison.Ordinal);
    }
}
