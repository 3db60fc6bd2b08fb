namespace Moltnet.Web.Tests;

public sealed class AgentsApiTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient C => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Agents_are_the_members_of_rooms()
    {
        await C.Post("/v1/rooms", """{"id":"r1","members":["alpha","net_b:gamma"]}""");
        await C.Post("/v1/rooms", """{"id":"r2","members":["alpha"]}""");
        var list = await C.Get("/v1/agents");
        Assert.Equal(200, (int)list.Status);
        var agents = list.Body!["agents"]!.AsArray();
        Assert.Equal(2, agents.Count);
        Assert.Equal("""{"id":"alpha","fqid":"molt://local/agents/alpha","network_id":"local","rooms":["r1","r2"],"connected":false}""", agents[0]!.ToJsonString());
        Assert.Equal("net_b", (string?)agents[1]!["network_id"]);
        Assert.Equal("molt://net_b/agents/gamma", (string?)agents[1]!["fqid"]);

        var one = await C.Get("/v1/agents/alpha");
        Assert.Equal(200, (int)one.Status);
        (await C.Get("/v1/agents/nobody")).AssertError(404, "not_found", "unknown agent \"nobody\"");
    }

    [Fact]
    public async Task Delete_agent_removes_memberships()
    {
        await C.Post("/v1/rooms", """{"id":"r1","members":["alpha","beta"]}""");
        var r = await C.Delete("/v1/agents/alpha");
        Assert.Equal(200, (int)r.Status);
        Assert.Equal("""{"removed":true,"kind":"agent","id":"alpha","mode":"soft"}""", r.Body!.ToJsonString());
        Assert.Equal("""["beta"]""", (await C.Get("/v1/rooms/r1")).Body!["members"]!.ToJsonString());
        (await C.Get("/v1/agents/alpha")).AssertError(404, "not_found");
        (await C.Delete("/v1/agents/alpha")).AssertError(404, "not_found");
    }
}
