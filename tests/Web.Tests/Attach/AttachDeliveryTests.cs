using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Moltnet.Configuration;
using Moltnet.TestSupport;
using Moltnet.Web.Attach;

namespace Moltnet.Web.Tests.Attach;

/// <summary>What an attachment receives (improvements.md server 4), resume from the durable log, slow consumers, removal.</summary>
public sealed class AttachDeliveryTests
{
    private static MoltnetConfig Memory() => new()
    {
        Storage = new StorageSection { Kind = StorageKinds.Memory },
        Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
    };

    internal static string RoomMsg(string room, string from, string text, string? id = null) =>
        $$"""{{{(id is null ? "" : $"\"id\":\"{id}\",")}}"target":{"kind":"room","room_id":"{{room}}"},"from":{"type":"agent","id":"{{from}}"},"parts":[{"kind":"text","text":"{{text}}"}]}""";

    internal static string DmMsg(string dm, string from, string to, string text, string? id = null) =>
        $$"""{{{(id is null ? "" : $"\"id\":\"{id}\",")}}"target":{"kind":"dm","dm_id":"{{dm}}","participant_ids":["{{from}}","{{to}}"]},"from":{"type":"agent","id":"{{from}}"},"parts":[{"kind":"text","text":"{{text}}"}]}""";

    internal static async Task Ok(Task<(System.Net.HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> call)
    {
        var r = await call;
        Assert.True((int)r.Status is >= 200 and < 300, $"{(int)r.Status} {r.Body?.ToJsonString()}");
    }

    /// <summary>Message ids of the message.created events received until the one with <paramref name="lastId"/>.</summary>
    private static async Task<List<string>> MessagesUntilAsync(AttachClient c, string lastId)
    {
        var ids = new List<string>();
        while (true)
        {
            var f = await c.NextEventOfTypeAsync("message.created");
            var id = (string)f["event"]!["message"]!["id"]!;
            ids.Add(id);
            if (id == lastId) return ids;
        }
    }

    [Fact]
    public async Task Agent_gets_its_rooms_and_dms_only()
    {
        await using var server = await TestServer.StartAsync(Memory());
        var http = server.Client;
        await Ok(http.Post("/v1/rooms", """{"id":"research","members":["alpha","beta"]}"""));
        await Ok(http.Post("/v1/rooms", """{"id":"secret","members":["beta","gamma"]}"""));
        await Ok(http.Post("/v1/rooms", """{"id":"lobby","members":["gamma"],"visibility":"public"}"""));
        var (c, _) = await AttachClient.AttachAsync(server.Url, "alpha");
        await using var _c = c;
        await Ok(http.Post("/v1/messages", RoomMsg("research", "beta", "for alpha", "m-room")));
        await Ok(http.Post("/v1/messages", RoomMsg("secret", "beta", "not for alpha", "m-secret")));
        await Ok(http.Post("/v1/messages", RoomMsg("lobby", "gamma", "public but public_read off", "m-lobby")));
        await Ok(http.Post("/v1/messages", DmMsg("d-bg", "beta", "gamma", "private", "m-dm-other")));
        await Ok(http.Post("/v1/messages", DmMsg("d-ga", "gamma", "alpha", "hello alpha", "m-dm-mine")));
        await Ok(http.Post("/v1/messages", RoomMsg("research", "beta", "end", "m-end")));
        var types = new List<string>();
        var messages = new List<string>();
        while (true)
        {
            var f = await c.NextEventFrameAsync(TimeSpan.FromSeconds(10));
            var e = f["event"]!;
            types.Add((string)e["type"]!);
            if (e["message"] is { } m) messages.Add((string)m["id"]!);
            if ((string?)e["message"]?["id"] == "m-end") break;
        }
        Assert.Equal(["m-room", "m-dm-mine", "m-end"], messages);
        Assert.Equal(["agent.connected", "message.created", "dm.created", "message.created", "message.created"], types);
    }

    [Fact]
    public async Task Dms_disabled_means_no_dm_events()
    {
        var config = Memory() with { Server = new ServerSection { ListenAddr = "127.0.0.1:0", DirectMessages = false } };
        await using var server = await TestServer.StartAsync(config);
        await Ok(server.Client.Post("/v1/rooms", """{"id":"research","members":["alpha","beta"]}"""));
        var (c, _) = await AttachClient.AttachAsync(server.Url, "alpha");
        await using var _c = c;
        await server.Client.Post("/v1/messages", DmMsg("d1", "beta", "alpha", "dm"));
        await Ok(server.Client.Post("/v1/messages", RoomMsg("research", "beta", "end", "m-end")));
        Assert.Equal(["m-end"], await MessagesUntilAsync(c, "m-end"));
    }

    [Fact]
    public async Task Resumes_from_the_identify_cursor_after_a_server_restart()
    {
        var dir = Directory.CreateTempSubdirectory("moltnet-attach-").FullName;
        var config = Memory() with { Storage = new StorageSection { Kind = StorageKinds.Sqlite } };
        string cursor;
        await using (var first = await TestServer.StartAsync(config, dir))
        {
            await Ok(first.Client.Post("/v1/rooms", """{"id":"research","members":["alpha","beta"]}"""));
            var (c, _) = await AttachClient.AttachAsync(first.Url, "alpha");
            await using (c)
            {
                await Ok(first.Client.Post("/v1/messages", RoomMsg("research", "beta", "one", "m1")));
                cursor = (string)(await c.NextEventOfTypeAsync("message.created"))["cursor"]!;
            }
            await Ok(first.Client.Post("/v1/messages", RoomMsg("research", "beta", "two", "m2")));
            await Ok(first.Client.Post("/v1/messages", RoomMsg("research", "beta", "three", "m3")));
        }
        await using var second = await TestServer.StartAsync(config, dir);
        await Ok(second.Client.Post("/v1/messages", RoomMsg("research", "beta", "four", "m4")));
        var (again, _) = await AttachClient.AttachAsync(second.Url, "alpha", cursor: cursor);
        await using var _again = again;
        var types = new List<string>();
        var ids = new List<string>();
        while (ids.LastOrDefault() != "m4")
        {
            var e = await again.NextEventAsync(TimeSpan.FromSeconds(10));
            types.Add((string)e["type"]!);
            if (e["message"] is { } m) ids.Add((string)m["id"]!);
        }
        Assert.Equal(["m2", "m3", "m4"], ids);
        Assert.DoesNotContain("stream.replay_gap", types);
    }

    [Fact]
    public async Task Slow_consumer_is_closed_and_resumes_without_loss()
    {
        await using var server = await TestServer.StartAsync(Memory());
        var options = server.Services.GetRequiredService<AttachOptions>();
        options.SendQueueCapacity = 4;
        options.SlowConsumerGrace = TimeSpan.FromMilliseconds(100);
        options.WriteTimeout = TimeSpan.FromSeconds(60);
        options.HeartbeatInterval = TimeSpan.FromSeconds(60);
        await Ok(server.Client.Post("/v1/rooms", """{"id":"research","members":["alpha","beta"]}"""));
        var (c, _) = await AttachClient.AttachAsync(server.Url, "alpha");
        var big = new string('x', 200_000);
        const int count = 120;
        for (var i = 0; i < count; i++) await Ok(server.Client.Post("/v1/messages", RoomMsg("research", "beta", big, $"m{i:000}")));

        var received = new List<string>();
        string? cursor = null;
        string? error = null;
        while (await c.ReceiveTextAsync(TimeSpan.FromSeconds(30)) is { } text)
        {
            var f = JsonNode.Parse(text)!;
            if ((string?)f["op"] == "ERROR")
            {
                error = (string?)f["error"];
                break;
            }
            if ((string?)f["op"] != "EVENT") continue;
            cursor = (string?)f["cursor"];
            if (f["event"]!["message"] is { } m) received.Add((string)m["id"]!);
        }
        Assert.Equal("slow consumer: resume with IDENTIFY.cursor", error);
        Assert.True(received.Count < count, $"all {received.Count} arrived before the close");

        // Resume at once, as told: the old socket is still closing (the server waits for our close reply), and its
        // session must not hold the agent's place any more.
        options.SendQueueCapacity = 256; // the resumed session reads at full speed
        options.SlowConsumerGrace = TimeSpan.FromSeconds(5);
        var (again, _) = await AttachClient.AttachAsync(server.Url, "alpha", cursor: cursor);
        await using var _again = again;
        await c.DisposeAsync();
        if (received.Count == 0 || received[^1] != $"m{count - 1:000}") received.AddRange(await MessagesUntilAsync(again, $"m{count - 1:000}"));
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"m{i:000}"), received);
    }

    [Fact]
    public async Task Removing_the_agent_closes_its_attachment()
    {
        await using var server = await TestServer.StartAsync(Memory());
        var (c, _) = await AttachClient.AttachAsync(server.Url, "alpha");
        await using var _c = c;
        await Ok(server.Client.Delete("/v1/agents/alpha"));
        Assert.Equal("agent was removed from the network", await c.ExpectClosedAsync());
        var registry = server.Services.GetRequiredService<AttachmentRegistry>();
        for (var i = 0; i < 50 && registry.Count > 0; i++) await Task.Delay(100);
        Assert.Equal(0, registry.Count);
    }
}
