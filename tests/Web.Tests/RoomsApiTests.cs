namespace Moltnet.Web.Tests;

public sealed class RoomsApiTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient C => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Create_defaults_name_to_id_and_sorts_members()
    {
        var r = await C.Post("/v1/rooms", """{"id":"research","members":["zed","alpha","alpha"]}""");
        Assert.Equal(201, (int)r.Status);
        Assert.Equal("research", (string?)r.Body!["name"]);
        Assert.Equal("""["alpha","zed"]""", r.Body["members"]!.ToJsonString());
        Assert.Equal("private", (string?)r.Body["visibility"]);
        Assert.Equal("members", (string?)r.Body["write_policy"]);
        Assert.Equal("molt://local/rooms/research", (string?)r.Body["fqid"]);
        Assert.Null(r.Body["access"]);
        Assert.EndsWith("\n", await r.Response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"name":"x"}""", "room id is required")]
    [InlineData("""{"id":"  "}""", "room id is required")]
    [InlineData("""{"id":"-bad"}""", "invalid room id \"-bad\"")]
    [InlineData("""{"id":"ok","members":["bad id"]}""", "invalid member id \"bad id\"")]
    [InlineData("""{"id":"ok","visibility":"secret"}""", null)]
    [InlineData("""{"id":"ok","write_policy":"anyone"}""", null)]
    public async Task Create_rejects_bad_input_with_422_and_stores_nothing(string body, string? message)
    {
        var r = await C.Post("/v1/rooms", body);
        r.AssertError(422, "unprocessable_entity", message);
        var list = await C.Get("/v1/rooms");
        Assert.Empty(list.Body!["rooms"]!.AsArray());
    }

    [Fact]
    public async Task Create_rejects_more_than_256_members()
    {
        var members = string.Join(",", Enumerable.Range(0, 257).Select(i => $"\"a{i}\""));
        (await C.Post("/v1/rooms", $$"""{"id":"big","members":[{{members}}]}""")).AssertError(422, "unprocessable_entity");
    }

    [Fact]
    public async Task Duplicate_and_removed_ids_conflict()
    {
        Assert.Equal(201, (int)(await C.Post("/v1/rooms", """{"id":"r1"}""")).Status);
        (await C.Post("/v1/rooms", """{"id":"r1"}""")).AssertError(409, "conflict");
        var removed = await C.Delete("/v1/rooms/r1");
        Assert.Equal(200, (int)removed.Status);
        Assert.Equal("""{"removed":true,"kind":"room","id":"r1","mode":"soft"}""", removed.Body!.ToJsonString());
        (await C.Post("/v1/rooms", """{"id":"r1"}""")).AssertError(409, "conflict");
        (await C.Get("/v1/rooms/r1")).AssertError(404, "not_found", "unknown room \"r1\"");
        (await C.Patch("/v1/rooms/r1/members", """{"add":["a"]}""")).AssertError(404, "not_found");
        (await C.Delete("/v1/rooms/r1")).AssertError(404, "not_found");
    }

    [Fact]
    public async Task Get_returns_access_and_unknown_is_404()
    {
        await C.Post("/v1/rooms", """{"id":"pub","visibility":"public","write_policy":"operators"}""");
        var r = await C.Get("/v1/rooms/pub");
        Assert.Equal(200, (int)r.Status);
        Assert.True((bool)r.Body!["access"]!["can_read"]!);
        Assert.True((bool)r.Body["access"]!["can_write"]!);
        Assert.Equal("private/operators-write", (string?)r.Body["access"]!["reason"]);
        (await C.Get("/v1/rooms/nope")).AssertError(404, "not_found", "unknown room \"nope\"");
        (await C.Get("/v1/rooms/bad%20id")).AssertError(422, "unprocessable_entity");
    }

    [Fact]
    public async Task Patch_adds_then_removes_and_validates()
    {
        await C.Post("/v1/rooms", """{"id":"r","members":["a"]}""");
        var r = await C.Patch("/v1/rooms/r/members", """{"add":["b","c"],"remove":["a","c"]}""");
        Assert.Equal(200, (int)r.Status);
        Assert.Equal("""["b"]""", r.Body!["members"]!.ToJsonString());
        (await C.Patch("/v1/rooms/r/members", """{"add":["bad id"]}""")).AssertError(422, "unprocessable_entity");
        (await C.Patch("/v1/rooms/zz/members", """{"add":["a"]}""")).AssertError(404, "not_found");
        var emptied = await C.Patch("/v1/rooms/r/members", """{"remove":["b"]}""");
        Assert.Null(emptied.Body!["members"]);
    }

    [Fact]
    public async Task List_pages_by_id()
    {
        foreach (var id in new[] { "c", "a", "e", "b", "d" }) await C.Post("/v1/rooms", $$"""{"id":"{{id}}"}""");
        var all = await C.Get("/v1/rooms?limit=junk");
        Assert.Equal(["a", "b", "c", "d", "e"], Ids(all.Body!));
        Assert.False((bool)all.Body!["page"]!["has_more"]!);

        var first = await C.Get("/v1/rooms?limit=2");
        Assert.Equal(["a", "b"], Ids(first.Body!));
        Assert.Equal("""{"has_more":true,"next_after":"b"}""", first.Body!["page"]!.ToJsonString());

        var middle = await C.Get("/v1/rooms?limit=2&after=b");
        Assert.Equal(["c", "d"], Ids(middle.Body!));
        Assert.Equal("""{"has_more":true,"next_before":"c","next_after":"d"}""", middle.Body!["page"]!.ToJsonString());

        var before = await C.Get("/v1/rooms?limit=2&before=e");
        Assert.Equal(["c", "d"], Ids(before.Body!));

        (await C.Get("/v1/rooms?after=a&before=c")).AssertError(422, "unprocessable_entity");
        (await C.Get("/v1/rooms?after=zz")).AssertError(422, "unprocessable_entity", "invalid cursor \"zz\"");
        (await C.Get("/v1/rooms?after=-x")).AssertError(422, "unprocessable_entity");
    }

    [Fact]
    public async Task Limit_is_capped_at_500_and_defaults_to_100()
    {
        for (var i = 0; i < 120; i++) await C.Post("/v1/rooms", $$"""{"id":"r{{i:D3}}"}""");
        Assert.Equal(100, (await C.Get("/v1/rooms")).Body!["rooms"]!.AsArray().Count);
        Assert.Equal(100, (await C.Get("/v1/rooms?limit=0")).Body!["rooms"]!.AsArray().Count);
        Assert.Equal(120, (await C.Get("/v1/rooms?limit=9999")).Body!["rooms"]!.AsArray().Count);
    }

    private static string[] Ids(System.Text.Json.Nodes.JsonNode body) =>
        body["rooms"]!.AsArray().Select(r => (string)r!["id"]!).ToArray();
}
