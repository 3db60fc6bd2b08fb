using System.Text.Json.Nodes;
using Moltnet.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.Web.Tests;

public sealed class EventStreamTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient C => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new MoltnetConfig
    {
        Storage = new StorageSection { Kind = StorageKinds.Memory },
        Limits = new LimitsSection { MaxStreams = 4, MaxStreamsPerIdentity = 3 },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task Send(string text, string? id = null) => C.Post("/v1/messages",
        $$"""{{{(id is null ? "" : $"\"id\":\"{id}\",")}}"target":{"kind":"room","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"{{text}}"}]}""");

    [Fact]
    public async Task Stream_opens_with_a_comment_and_carries_frames_in_order()
    {
        await using var sse = await SseClient.ConnectAsync(C);
        Assert.Equal(200, sse.Status);
        Assert.Equal("stream-open", (await sse.NextFrameAsync()).Comment);
        await C.Post("/v1/rooms", """{"id":"r","members":["a"]}""");
        await Send("one", "m1");
        await C.Post("/v1/messages", """{"target":{"kind":"thread","thread_id":"t","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"t"}]}""");
        var frames = await sse.CollectAsync(4);
        Assert.Equal(["room.created", "message.created", "thread.created", "message.created"], frames.Select(f => f.Event!).ToArray());
        Assert.Equal(Ids.MessageEventId("m1"), frames[1].Id);
        var data = JsonNode.Parse(frames[1].Data!)!;
        Assert.Equal(frames[1].Id, (string?)data["id"]);
        Assert.Equal("m1", (string?)data["message"]!["id"]);
    }

    [Fact]
    public async Task Last_event_id_replays_what_came_after_it()
    {
        await C.Post("/v1/rooms", """{"id":"r","members":["a"]}""");
        for (var i = 0; i < 5; i++) await Send($"m{i}", $"m{i}");
        await using var sse = await SseClient.ConnectAsync(C, lastEventId: Ids.MessageEventId("m1"));
        var replay = await sse.CollectAsync(3);
        Assert.Equal(["m2", "m3", "m4"], replay.Select(f => (string)JsonNode.Parse(f.Data!)!["message"]!["id"]!).ToArray());
        await Send("m5", "m5");
        Assert.Equal(Ids.MessageEventId("m5"), (await sse.NextEventAsync()).Id);

        await using var byQuery = await SseClient.ConnectAsync(C, $"/v1/events/stream?last_event_id={Ids.MessageEventId("m4")}");
        Assert.Equal(Ids.MessageEventId("m5"), (await byQuery.NextEventAsync()).Id);
    }

    [Fact]
    public async Task A_stored_payload_with_a_line_break_is_sent_as_one_data_line()
    {
        // Events replayed from the log go out as the bytes the log holds; one edited outside the server (pretty-printed,
        // so with line breaks) must still be one data line, not an early end of the data and stray fields after it.
        var dir = System.IO.Directory.CreateTempSubdirectory("moltnet-sse-").FullName;
        var db = Path.Combine(dir, "m.db");
        await using var server = await TestServer.StartAsync(new MoltnetConfig
        {
            Storage = new StorageSection { Kind = StorageKinds.Sqlite, Sqlite = new SqliteSection { Path = db } },
        }, dir);
        await server.Client.Post("/v1/rooms", """{"id":"r","members":["a"]}""");
        foreach (var id in new[] { "m0", "m1", "m2" })
            await server.Client.Post("/v1/messages",
                $$"""{"id":"{{id}}","target":{"kind":"room","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"{{id}}"}]}""");
        await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db}"))
        {
            await c.OpenAsync();
            var edit = c.CreateCommand();
            edit.CommandText = "SELECT payload_json FROM events WHERE id = $id";
            edit.Parameters.AddWithValue("$id", Ids.MessageEventId("m1"));
            var pretty = JsonNode.Parse((string)(await edit.ExecuteScalarAsync())!)!.ToJsonString(new() { WriteIndented = true });
            Assert.Contains('\n', pretty);
            edit.CommandText = "UPDATE events SET payload_json = $p WHERE id = $id";
            edit.Parameters.AddWithValue("$p", pretty);
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }

        await using var sse = await SseClient.ConnectAsync(server.Client, lastEventId: Ids.MessageEventId("m0"));
        var replay = await sse.CollectAsync(2);
        Assert.Equal(["message.created", "message.created"], replay.Select(f => f.Event!).ToArray());
        Assert.Equal([Ids.MessageEventId("m1"), Ids.MessageEventId("m2")], replay.Select(f => f.Id!).ToArray());
        var m1 = JsonNode.Parse(replay[0].Data!)!;
        Assert.Equal("m1", (string?)m1["message"]!["parts"]![0]!["text"]);
        Assert.DoesNotContain('\n', replay[0].Data!);
    }

    [Fact]
    public async Task Unknown_cursor_gets_one_replay_gap_then_recent_events()
    {
        await C.Post("/v1/rooms", """{"id":"r","members":["a"]}""");
        await Send("x", "m0");
        await using var sse = await SseClient.ConnectAsync(C, lastEventId: "evt_never_seen");
        var gap = await sse.NextEventAsync();
        Assert.Equal("stream.replay_gap", gap.Event);
        Assert.Equal(Ids.GapEventId("evt_never_seen"), gap.Id);
        var payload = JsonNode.Parse(gap.Data!)!["replay_gap"]!;
        Assert.Equal("evt_never_seen", (string?)payload["requested_event_id"]);
        Assert.Equal(Ids.MessageEventId("m0"), (string?)payload["newest_event_id"]);
        Assert.Equal("room.created", (await sse.NextEventAsync()).Event);
        Assert.Equal("message.created", (await sse.NextEventAsync()).Event);
    }

    [Fact]
    public async Task Stream_caps_answer_503()
    {
        var open = new List<SseClient>();
        for (var i = 0; i < 3; i++) open.Add(await SseClient.ConnectAsync(C));
        await using var fourth = await SseClient.ConnectAsync(C);
        Assert.Equal(503, fourth.Status);
        foreach (var s in open) await s.DisposeAsync();
    }
}
