using System.Text.Json.Nodes;

namespace Moltnet.Web.Tests;

public sealed class MessagesApiTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient C => _server.Client;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new Moltnet.Configuration.MoltnetConfig
        {
            Storage = new Moltnet.Configuration.StorageSection { Kind = Moltnet.Configuration.StorageKinds.Memory },
            Server = new Moltnet.Configuration.ServerSection { ListenAddr = "127.0.0.1:0" },
            Pairings = [new Moltnet.Configuration.PairingConfig { Id = "bee", RemoteNetworkId = "net_b", RemoteBaseUrl = "http://127.0.0.1:9" }],
        });
        await C.Post("/v1/rooms", """{"id":"research","members":["alpha","beta","net_b:beta2"]}""");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string RoomMsg(string text, string from = "alpha", string? id = null) =>
        $$"""{{{(id is null ? "" : $"\"id\":\"{id}\",")}}"target":{"kind":"room","room_id":"research"},"from":{"type":"agent","id":"{{from}}"},"parts":[{"kind":"text","text":"{{text}}"}]}""";

    [Fact]
    public async Task Send_answers_202_with_five_fields_and_stores_the_message()
    {
        var r = await C.Post("/v1/messages", RoomMsg("hello"));
        Assert.Equal(202, (int)r.Status);
        var id = (string)r.Body!["message_id"]!;
        Assert.Matches("^msg_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
        Assert.Equal(Ids.MessageEventId(id), (string?)r.Body["event_id"]);
        Assert.Equal("""{"message_id":"ID","event_id":"EV","accepted":true,"thread_created":false,"dm_created":false}""",
            r.Body.ToJsonString().Replace(id, "ID").Replace(Ids.MessageEventId(id), "EV"));
        var history = (await C.Get("/v1/rooms/research/messages")).Body!;
        var m = history["messages"]![0]!;
        Assert.Equal(id, (string?)m["id"]);
        Assert.Equal("""{"network_id":"local","message_id":"ID"}""", m["origin"]!.ToJsonString().Replace(id, "ID"));
        Assert.Equal("""{"type":"agent","id":"alpha","network_id":"local","fqid":"molt://local/agents/alpha"}""", m["from"]!.ToJsonString());
    }

    [Fact]
    public async Task Resending_an_id_returns_the_same_ids_and_stores_nothing_new()
    {
        var first = await C.Post("/v1/messages", RoomMsg("one", id: "m-1"));
        Assert.Equal(202, (int)first.Status);
        var again = await C.Post("/v1/messages", RoomMsg("changed", id: "m-1"));
        Assert.Equal("""{"message_id":"m-1","event_id":"EV","accepted":true,"thread_created":false,"dm_created":false}""",
            again.Body!.ToJsonString().Replace(Ids.MessageEventId("m-1"), "EV"));
        var history = (await C.Get("/v1/rooms/research/messages")).Body!["messages"]!.AsArray();
        Assert.Equal("one", (string?)Assert.Single(history)!["parts"]![0]!["text"]);
    }

    [Fact]
    public async Task Fifty_concurrent_posts_of_one_id_store_one_message_and_one_event()
    {
        await using var sse = await Moltnet.TestSupport.SseClient.ConnectAsync(C);
        var posts = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => C.Post("/v1/messages", RoomMsg($"copy {i}", id: "same-id"))));
        Assert.All(posts, p => Assert.Equal(202, (int)p.Status));
        Assert.Single(posts.Select(p => (string)p.Body!["message_id"]! + "/" + (string)p.Body["event_id"]!).Distinct());
        await C.Post("/v1/messages", RoomMsg("sentinel", id: "sentinel"));
        var events = await sse.CollectAsync(1, f => f.Id == Ids.MessageEventId("sentinel") || f.Id == Ids.MessageEventId("same-id"), TimeSpan.FromSeconds(30));
        var all = new List<Moltnet.TestSupport.SseFrame>(events);
        while (all[^1].Id != Ids.MessageEventId("sentinel")) all.Add(await sse.NextEventAsync());
        Assert.Single(all, f => f.Id == Ids.MessageEventId("same-id"));
        Assert.Equal(2, (await C.Get("/v1/rooms/research/messages")).Body!["messages"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{"target":{"kind":"room","room_id":"research"},"from":{"type":"agent"},"parts":[{"kind":"text","text":"x"}]}""", "from.id is required")]
    [InlineData("""{"target":{"kind":"room","room_id":"research"},"from":{"type":"agent","id":"bad id"},"parts":[{"kind":"text","text":"x"}]}""", null)]
    [InlineData("""{"target":{"kind":"room","room_id":"research"},"from":{"type":"agent","id":"alpha"},"parts":[]}""", "parts must not be empty")]
    [InlineData("""{"target":{"kind":"room","room_id":"research"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"video"}]}""", null)]
    [InlineData("""{"target":{"kind":"room","room_id":"research"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"url","url":"ftp://x/y"}]}""", null)]
    [InlineData("""{"target":{"kind":"room","room_id":"research"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"url","url":"https:///nohost"}]}""", null)]
    [InlineData("""{"target":{"kind":"galaxy","room_id":"research"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text"}]}""", null)]
    [InlineData("""{"target":{"kind":"thread","thread_id":"t1"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text"}]}""", "target.room_id is required")]
    [InlineData("""{"target":{"kind":"dm","dm_id":"d1","participant_ids":["alpha"]},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text"}]}""", null)]
    [InlineData("""{"id":"-x","target":{"kind":"room","room_id":"research"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text"}]}""", null)]
    public async Task Invalid_messages_get_422_and_nothing_is_stored(string body, string? message)
    {
        var r = await C.Post("/v1/messages", body);
        Assert.True((int)r.Status == 422, string.Join("\n", _server.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal))));
        r.AssertError(422, "unprocessable_entity", message);
        Assert.Empty((await C.Get("/v1/rooms/research/messages")).Body!["messages"]!.AsArray());
    }

    [Fact]
    public async Task Unknown_room_is_404()
    {
        var body = """{"target":{"kind":"room","room_id":"nope"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text","text":"x"}]}""";
        (await C.Post("/v1/messages", body)).AssertError(404, "not_found", "unknown room \"nope\"");
    }

    [Fact]
    public async Task A_new_thread_is_created_lazily_and_kept_out_of_room_history()
    {
        await C.Post("/v1/messages", RoomMsg("root", id: "root-1"));
        var reply = """{"target":{"kind":"thread","thread_id":"t1","room_id":"research","parent_message_id":"root-1"},"from":{"type":"agent","id":"beta"},"parts":[{"kind":"text","text":"r1"}]}""";
        var first = await C.Post("/v1/messages", reply);
        Assert.True((bool)first.Body!["thread_created"]!);
        var second = await C.Post("/v1/messages", reply);
        Assert.False((bool)second.Body!["thread_created"]!);
        var thread = (await C.Get("/v1/threads/t1")).Body!;
        Assert.Equal(2, (int)thread["message_count"]!);
        Assert.Equal("root-1", (string?)thread["parent_message_id"]);
        Assert.Equal("research", (string?)thread["room_id"]);
        Assert.Equal(2, (await C.Get("/v1/threads/t1/messages")).Body!["messages"]!.AsArray().Count);
        Assert.Single((await C.Get("/v1/rooms/research/messages")).Body!["messages"]!.AsArray());
        Assert.Equal("t1", (string?)(await C.Get("/v1/rooms/research/threads")).Body!["threads"]![0]!["id"]);
        (await C.Get("/v1/threads/nope")).AssertError(404, "not_found", "unknown thread \"nope\"");
    }

    [Fact]
    public async Task A_first_dm_creates_the_conversation_and_the_sender_must_take_part()
    {
        var dm = """{"target":{"kind":"dm","dm_id":"d1","participant_ids":["beta","alpha","alpha"]},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text","text":"hi"}]}""";
        var r = await C.Post("/v1/messages", dm);
        Assert.True((bool)r.Body!["dm_created"]!);
        var conv = (await C.Get("/v1/dms/d1")).Body!;
        Assert.Equal("""["alpha","beta"]""", conv["participant_ids"]!.ToJsonString());
        Assert.Equal(1, (int)conv["message_count"]!);
        var outsider = dm.Replace("\"id\":\"alpha\"}", "\"id\":\"mallory\"}");
        (await C.Post("/v1/messages", outsider)).AssertError(403, "forbidden");
        var grow = dm.Replace("[\"beta\",\"alpha\",\"alpha\"]", "[\"beta\",\"alpha\",\"carol\"]");
        (await C.Post("/v1/messages", grow)).AssertError(409, "conflict");
        Assert.Equal("""["alpha","beta"]""", (await C.Get("/v1/dms/d1")).Body!["participant_ids"]!.ToJsonString());
        Assert.Single((await C.Get("/v1/dms")).Body!["dms"]!.AsArray());
        Assert.Single((await C.Get("/v1/dms/d1/messages")).Body!["messages"]!.AsArray());
        (await C.Get("/v1/dms/none")).AssertError(404, "not_found", "unknown direct conversation \"none\"");
    }

    [Fact]
    public async Task Mentions_resolve_to_fqids()
    {
        var body = """{"target":{"kind":"room","room_id":"research"},"from":{"type":"agent","id":"alpha"},"mentions":["beta","beta"],"parts":[{"kind":"text","text":"hey @beta. and @bee:beta2, <@molt://local/agents/alpha> @nobody @molt://local/agents/beta @zz:beta2"}]}""";
        await C.Post("/v1/messages", body);
        var m = (await C.Get("/v1/rooms/research/messages")).Body!["messages"]![0]!;
        Assert.Equal("""["molt://local/agents/beta","molt://net_b/agents/beta2","molt://local/agents/alpha"]""", m["mentions"]!.ToJsonString());
        await C.Post("/v1/messages", RoomMsg("no mentions here"));
        Assert.Null((await C.Get("/v1/rooms/research/messages")).Body!["messages"]![1]!["mentions"]);
    }

    [Fact]
    public async Task Artifacts_are_extracted_and_filtered()
    {
        var body = """{"id":"m-art","target":{"kind":"room","room_id":"research"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text","text":"see"},{"kind":"file","filename":"a.txt","media_type":"text/plain"},{"kind":"url","url":"https://example.com/x"}]}""";
        await C.Post("/v1/messages", body);
        var reply = """{"target":{"kind":"thread","thread_id":"t9","room_id":"research"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"image","url":"https://example.com/i.png"}]}""";
        await C.Post("/v1/messages", reply);
        var room = (await C.Get("/v1/artifacts?room_id=research")).Body!["artifacts"]!.AsArray();
        Assert.Equal(["art_m-art_1", "art_m-art_2"], room.Take(2).Select(a => (string)a!["id"]!).ToArray());
        Assert.Equal(3, room.Count);
        Assert.Single((await C.Get("/v1/artifacts?thread_id=t9")).Body!["artifacts"]!.AsArray());
        (await C.Get("/v1/artifacts")).AssertError(422, "unprocessable_entity", "artifact filter is required");
        (await C.Get("/v1/artifacts?room_id=nope")).AssertError(404, "not_found");
    }

    [Fact]
    public async Task History_pages_newest_first_window_in_ascending_order()
    {
        for (var i = 0; i < 5; i++) await C.Post("/v1/messages", RoomMsg($"m{i}", id: $"m{i}"));
        var page = (await C.Get("/v1/rooms/research/messages?limit=2")).Body!;
        Assert.Equal(["m3", "m4"], page["messages"]!.AsArray().Select(m => (string)m!["id"]!).ToArray());
        Assert.Equal("""{"has_more":true,"next_before":"m3"}""", page["page"]!.ToJsonString());
        var older = (await C.Get("/v1/rooms/research/messages?limit=2&before=m3")).Body!;
        Assert.Equal(["m1", "m2"], older["messages"]!.AsArray().Select(m => (string)m!["id"]!).ToArray());
        var newer = (await C.Get("/v1/rooms/research/messages?limit=2&after=m0")).Body!;
        Assert.Equal(["m1", "m2"], newer["messages"]!.AsArray().Select(m => (string)m!["id"]!).ToArray());
        Assert.Equal("""{"has_more":true,"next_after":"m2"}""", newer["page"]!.ToJsonString());
        (await C.Get("/v1/rooms/research/messages?after=zzz")).AssertError(422, "unprocessable_entity", "invalid cursor \"zzz\"");
    }
}
