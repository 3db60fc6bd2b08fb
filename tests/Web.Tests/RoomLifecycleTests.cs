namespace Moltnet.Web.Tests;

/// <summary>A removed room's id is not lost for good (improvements.md server 15): restore it, or purge it and reuse the id.</summary>
public sealed class RoomLifecycleTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient C => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task Say(string room, string id) => C.Post("/v1/messages",
        $$"""{"id":"{{id}}","target":{"kind":"room","room_id":"{{room}}"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"url","url":"https://x.example/{{id}}"}]}""");

    [Fact]
    public async Task A_removed_room_can_be_restored_with_its_history()
    {
        await C.Post("/v1/rooms", """{"id":"r","name":"Keep","members":["a"]}""");
        await Say("r", "m1");
        await C.Delete("/v1/rooms/r");
        (await C.Post("/v1/rooms/r2/restore", "{}")).AssertError(404, "not_found");
        var restored = await C.Post("/v1/rooms/r/restore", "{}");
        Assert.Equal(200, (int)restored.Status);
        Assert.Equal("Keep", (string?)restored.Body!["name"]);
        Assert.Null(restored.Body["members"]);
        Assert.Single((await C.Get("/v1/rooms/r/messages")).Body!["messages"]!.AsArray());
        (await C.Post("/v1/rooms/r/restore", "{}")).AssertError(409, "conflict");
    }

    [Fact]
    public async Task A_purged_room_frees_its_id_and_drops_its_history()
    {
        await C.Post("/v1/rooms", """{"id":"r","members":["a"]}""");
        await Say("r", "m1");
        await C.Post("/v1/messages", """{"target":{"kind":"thread","thread_id":"t","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"x"}]}""");
        await C.Delete("/v1/rooms/r");
        var purged = await C.Delete("/v1/rooms/r?mode=purge");
        Assert.Equal("""{"removed":true,"kind":"room","id":"r","mode":"purge"}""", purged.Body!.ToJsonString());
        (await C.Delete("/v1/rooms/r?mode=purge")).AssertError(404, "not_found");
        (await C.Delete("/v1/rooms/r?mode=shred")).AssertError(422, "unprocessable_entity");
        Assert.Equal(201, (int)(await C.Post("/v1/rooms", """{"id":"r","members":["a"]}""")).Status);
        Assert.Empty((await C.Get("/v1/rooms/r/messages")).Body!["messages"]!.AsArray());
        Assert.Empty((await C.Get("/v1/rooms/r/threads")).Body!["threads"]!.AsArray());
        Assert.Empty((await C.Get("/v1/artifacts?room_id=r")).Body!["artifacts"]!.AsArray());
        (await C.Get("/v1/threads/t")).AssertError(404, "not_found");
        await Say("r", "m1"); // the purged message id is free again
        Assert.Single((await C.Get("/v1/rooms/r/messages")).Body!["messages"]!.AsArray());
    }
}
