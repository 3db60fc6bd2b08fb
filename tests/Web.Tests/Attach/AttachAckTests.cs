using Microsoft.Extensions.DependencyInjection;
using Moltnet.Configuration;
using Moltnet.TestSupport;
using Moltnet.Web.Attach;
using static Moltnet.Web.Tests.Attach.AttachDeliveryTests;

namespace Moltnet.Web.Tests.Attach;

/// <summary>Cumulative ACKs (improvements.md server 6) and wake reporting, including the ACK timeout (server 7).</summary>
public sealed class AttachAckTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new MoltnetConfig
        {
            Storage = new StorageSection { Kind = StorageKinds.Memory },
            Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
        });
        await Ok(_server.Client.Post("/v1/rooms", """{"id":"research","members":["alpha","beta"]}"""));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> Cursor(AttachClient c) => (string)(await c.NextEventOfTypeAsync("message.created"))["cursor"]!;

    private async Task AssertAlive(AttachClient c)
    {
        await c.SendAsync("""{"op":"PING","version":"moltnet.attach.v1"}""");
        while ((string?)(await c.NextAsync())["op"] != "PONG") { }
    }

    [Fact]
    public async Task Acks_are_cumulative_and_repeats_are_harmless()
    {
        var (c, _) = await AttachClient.AttachAsync(_server.Url, "alpha");
        await using var _c = c;
        for (var i = 1; i <= 3; i++) await Ok(_server.Client.Post("/v1/messages", RoomMsg("research", "beta", $"n{i}")));
        var first = await Cursor(c);
        await Cursor(c);
        var third = await Cursor(c);
        await c.AckAsync(third);
        await c.AckAsync(first);
        await c.AckAsync(third);
        await AssertAlive(c);
    }

    [Fact]
    public async Task Acking_a_later_cursor_delivers_every_earlier_wake()
    {
        var (c, _) = await AttachClient.AttachAsync(_server.Url, "alpha");
        await using var _c = c;
        await Ok(_server.Client.Post("/v1/messages", RoomMsg("research", "beta", "hi @alpha", "m-mention")));
        await Ok(_server.Client.Post("/v1/messages", RoomMsg("research", "beta", "no wake", "m-plain")));
        await Ok(_server.Client.Post("/v1/messages", DmMsg("d1", "beta", "alpha", "psst", "m-dm")));
        await Cursor(c);
        await Cursor(c);
        await c.AckAsync(await Cursor(c));
        await AssertAlive(c);
        var delivered = await WaitCountAsync("agent.wake.delivered", 2);
        Assert.Equal(["m-mention:mention", "m-dm:dm"], delivered.Select(e => $"{e["agent"]!["message_id"]}:{e["agent"]!["reason"]}"));
        Assert.Equal("""{"agent_id":"alpha","network_id":"local","fqid":"molt://local/agents/alpha","message_id":"m-dm","reason":"dm","target":{"kind":"dm","dm_id":"d1","participant_ids":["alpha","beta"]}}""",
            delivered[1]["agent"]!.ToJsonString());
        Assert.Empty(await AttachTestEvents.OfTypeAsync(_server, "agent.wake.failed"));
    }

    [Fact]
    public async Task Unacked_wake_fails_when_the_client_disconnects()
    {
        var (c, _) = await AttachClient.AttachAsync(_server.Url, "alpha");
        await Ok(_server.Client.Post("/v1/messages", DmMsg("d1", "beta", "alpha", "psst", "m-dm")));
        await Cursor(c);
        await c.DisposeAsync();
        var failed = await AttachTestEvents.WaitForAsync(_server, "agent.wake.failed");
        Assert.Equal("m-dm", (string?)failed["agent"]!["message_id"]);
        Assert.Equal("attachment closed by client", (string?)failed["agent"]!["error"]);
    }

    [Fact]
    public async Task Wake_not_acked_in_time_fails_once_while_live()
    {
        _server.Services.GetRequiredService<AttachOptions>().WakeAckTimeout = TimeSpan.FromMilliseconds(300);
        var (c, _) = await AttachClient.AttachAsync(_server.Url, "alpha");
        await Ok(_server.Client.Post("/v1/messages", DmMsg("d1", "beta", "alpha", "psst", "m-dm")));
        var cursor = await Cursor(c);
        var failed = await AttachTestEvents.WaitForAsync(_server, "agent.wake.failed");
        Assert.Equal("wake not acknowledged within 0.3s", (string?)failed["agent"]!["error"]);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, c.Socket.State);
        await c.AckAsync(cursor);
        await AssertAlive(c);
        await c.DisposeAsync();
        await AttachTestEvents.WaitForAsync(_server, "agent.disconnected");
        Assert.Single(await AttachTestEvents.OfTypeAsync(_server, "agent.wake.failed"));
        Assert.Empty(await AttachTestEvents.OfTypeAsync(_server, "agent.wake.delivered"));
    }

    [Fact]
    public async Task Own_messages_do_not_wake()
    {
        var (c, _) = await AttachClient.AttachAsync(_server.Url, "alpha");
        await Ok(_server.Client.Post("/v1/messages", DmMsg("d1", "alpha", "beta", "from me", "m-own")));
        await Cursor(c);
        await c.DisposeAsync();
        await AttachTestEvents.WaitForAsync(_server, "agent.disconnected");
        Assert.Empty(await AttachTestEvents.OfTypeAsync(_server, "agent.wake.failed"));
    }

    private async Task<List<System.Text.Json.Nodes.JsonObject>> WaitCountAsync(string type, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = await AttachTestEvents.OfTypeAsync(_server, type);
            if (found.Count >= count || DateTime.UtcNow > deadline) return found;
            await Task.Delay(100);
        }
    }
}
