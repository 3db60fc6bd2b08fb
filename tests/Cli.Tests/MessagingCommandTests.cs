using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests;

/// <summary><c>send</c>, <c>read</c>, <c>conversations</c>, <c>participants</c>, <c>rooms</c>, <c>agents</c> against a real server.</summary>
[Collection(ClientServerCollection.Name)]
public sealed class MessagingCommandTests(ClientServerFixture f)
{
    [Fact]
    public async Task Send_posts_as_the_configured_agent_and_prints_indented_json()
    {
        var r = await f.RunAsync("send", "--target", "room:research", "--text", "hello @beta");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("{\n  \"message_id\": \"msg_", r.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var body = JsonNode.Parse(r.Stdout)!;
        Assert.True((bool)body["accepted"]!);
        Assert.False((bool)body["thread_created"]!);
        var read = JsonNode.Parse((await f.RunAsync("read", "--target", "room:research", "--limit", "50")).Stdout)!;
        var stored = read["messages"]!.AsArray().Single(m => (string?)m!["id"] == (string?)body["message_id"])!;
        Assert.Equal("alpha", (string?)stored["from"]!["id"]);
        Assert.Equal("Alpha", (string?)stored["from"]!["name"]);
        Assert.Equal("molt://local/agents/beta", (string?)stored["mentions"]![0]);
    }

    [Fact]
    public async Task Send_json_is_one_compact_line_and_carries_file_url_and_thread_parts()
    {
        f.Workspace.Write("notes.md", "# hi\n");
        var r = await f.RunAsync("send", "--target", "room:research", "--thread", "t1", "--text", "see", "--file", "notes.md",
            "--url", "https://example.org/x", "--mention", "beta", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Single(Moltnet.Lines(r.Stdout));
        Assert.True((bool)JsonNode.Parse(r.Stdout)!["thread_created"]!);
        var history = await f.Server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/threads/t1/messages")
        {
            Headers = { Authorization = new("Bearer", ClientServerFixture.AdminToken) },
        });
        var message = JsonNode.Parse(await history.Content.ReadAsStringAsync())!["messages"]![0]!;
        var parts = message["parts"]!.AsArray();
        Assert.Equal(["text", "url", "file"], parts.Select(p => (string)p!["kind"]!).ToArray());
        Assert.Equal("notes.md", (string?)parts[2]!["filename"]);
        Assert.Equal("text/markdown", (string?)parts[2]!["media_type"]);
        Assert.Equal(5, (int)parts[2]!["data"]!["size"]!);
        Assert.Equal(64, ((string)parts[2]!["data"]!["sha256"]!).Length);
        Assert.Equal("research", (string?)message["target"]!["room_id"]);
    }

    [Theory]
    [InlineData(new[] { "--target", "research", "--text", "x" }, "target must be room:<id> or dm:<id>")]
    [InlineData(new[] { "--target", "chan:research", "--text", "x" }, "unsupported target kind \"chan\" (use room:<id> or dm:<id>)")]
    [InlineData(new[] { "--target", "room:elsewhere", "--text", "x" }, "room \"elsewhere\" is not attached for member \"alpha\"")]
    [InlineData(new[] { "--target", "room:readonly", "--text", "x" }, "room \"readonly\" is read-only for member \"alpha\"")]
    [InlineData(new[] { "--target", "dm:d1", "--text", "x" }, "direct messages are not enabled for member \"alpha\"")]
    [InlineData(new[] { "--target", "room:research" }, "--text is required")]
    [InlineData(new[] { "--target", "room:research", "--text", "x", "--url", "ftp://x" }, "--url must be an http, https or molt URL (got \"ftp://x\")")]
    public async Task Send_rejects_bad_arguments_with_a_clear_message(string[] args, string message)
    {
        var r = await f.RunAsync(["send", .. args]);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal([message], Moltnet.ErrorLines(r));
    }

    [Fact]
    public async Task Client_commands_without_a_config_fail()
    {
        using var empty = new TempDirectory();

        var r = await Moltnet.RunAsync(empty.Path, "send", "--target", "room:research", "--text", "x");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal(["moltnet client config not found"], Moltnet.ErrorLines(r));
    }

    [Fact]
    public async Task Http_failures_name_method_url_status_and_body()
    {
        var r = await f.RunAsync("participants", "--target", "room:ghost");

        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(Moltnet.ErrorLines(r));
        Assert.StartsWith($"moltnet GET {f.Server.Url}/v1/rooms/ghost returned 404: {{\"error\":\"unknown room \\\"ghost\\\"\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_clearly()
    {
        using var ws = new TempDirectory();
        var url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        ws.Write(".moltnet/config.json", ClientServerFixture.ClientConfig(url, "t"));

        var send = await Moltnet.RunAsync(ws.Path, "send", "--target", "room:research", "--text", "x");
        var rooms = await Moltnet.RunAsync(ws.Path, "rooms", "--json");

        foreach (var r in new[] { send, rooms })
        {
            Assert.Equal(1, r.ExitCode);
            Assert.Equal("", r.Stdout);
            Assert.StartsWith($"cannot reach Moltnet at {url}: ", Assert.Single(Moltnet.ErrorLines(r)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Read_pages_with_limit_before_and_json()
    {
        for (var i = 0; i < 3; i++) await f.RunAsync("send", "--target", "room:research", "--text", $"page {i}");

        var r = await f.RunAsync("read", "--target", "room:research", "--limit", "2");
        var compact = await f.RunAsync("read", "--target", "room:research", "--limit", "2", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var page = JsonNode.Parse(r.Stdout)!;
        Assert.Equal(2, page["messages"]!.AsArray().Count);
        Assert.True((bool)page["page"]!["has_more"]!);
        var before = (string)page["page"]!["next_before"]!;
        Assert.Single(Moltnet.Lines(compact.Stdout));
        var older = JsonNode.Parse((await f.RunAsync("read", "--target", "room:research", "--limit", "1", "--before", before)).Stdout)!;
        Assert.Single(older["messages"]!.AsArray());
        var bad = await f.RunAsync("read", "--target", "room:research", "--before", "a", "--after", "b");
        Assert.Equal(["--before and --after cannot be used together"], Moltnet.ErrorLines(bad));
        var limit = await f.RunAsync("read", "--target", "room:research", "--limit", "0");
        Assert.Equal(["--limit must be between 1 and 500 (got 0)"], Moltnet.ErrorLines(limit));
    }

    [Fact]
    public async Task Conversations_lists_configured_rooms_the_server_knows_sorted()
    {
        var r = await f.RunAsync("conversations");

        Assert.True(r.ExitCode == 0, r.ToString());
        var body = JsonNode.Parse(r.Stdout)!.AsObject();
        Assert.Equal(["member_id", "network_id", "rooms"], body.Select(p => p.Key).ToArray());
        Assert.Equal(["readonly", "research"], body["rooms"]!.AsArray().Select(x => (string)x!["id"]!).ToArray());
    }

    [Fact]
    public async Task Participants_prints_the_room_with_members()
    {
        var r = await f.RunAsync("participants", "--target", "room:research", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Single(Moltnet.Lines(r.Stdout));
        var members = JsonNode.Parse(r.Stdout)!["members"]!.AsArray().Select(m => (string)m!).ToArray();
        Assert.Contains("alpha", members);
        Assert.Contains("beta", members);
    }

    [Fact]
    public async Task Rooms_and_agents_list_what_the_caller_sees()
    {
        var rooms = await f.RunAsync("rooms");
        var agents = await f.RunAsync("agents", "--json");

        Assert.True(rooms.ExitCode == 0, rooms.ToString());
        Assert.Contains("research", JsonNode.Parse(rooms.Stdout)!["rooms"]!.AsArray().Select(x => (string)x!["id"]!));
        Assert.NotNull(JsonNode.Parse(rooms.Stdout)!["page"]);
        Assert.True(agents.ExitCode == 0, agents.ToString());
        Assert.Single(Moltnet.Lines(agents.Stdout));
        Assert.Contains("beta", JsonNode.Parse(agents.Stdout)!["agents"]!.AsArray().Select(x => (string)x!["id"]!));
    }
}
