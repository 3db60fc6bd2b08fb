using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Moltnet.Grains.Storage;
using static Moltnet.Web.Tests.Pairings.PairedNetworks;

namespace Moltnet.Web.Tests.Pairings;

/// <summary>Relay between two real servers paired both ways (spec §6, improvement server 8).</summary>
public sealed class RelayTests : IAsyncLifetime
{
    private PairedNetworks _n = null!;

    public async Task InitializeAsync() => _n = await PairedNetworks.StartAsync();

    public async Task DisposeAsync() => await _n.DisposeAsync();

    private static string Send(string id, string target, string from, string text) =>
        $$"""{"id":"{{id}}","target":{{target}},"from":{"type":"agent","id":"{{from}}"},"parts":[{"kind":"text","text":"{{text}}"}]}""";

    private const string Lobby = """{"kind":"room","room_id":"lobby"}""";

    private static async Task<JsonNode> ArrivedAsync(HttpClient client, string path, string id) =>
        (await EventuallyAsync(() => MessagesAsync(client, path), ms => ms.Any(m => (string?)m!["id"] == id), $"{id} at {path}"))
            .Single(m => (string?)m!["id"] == id)!;

    [Fact]
    public async Task Room_thread_and_dm_relay_both_ways_keep_origin_and_never_echo()
    {
        Assert.Equal(202, (int)(await _n.ClientA.Post("/v1/messages", Send("a-room-1", Lobby, "alpha", "hello from a"))).Status);
        var room = await ArrivedAsync(_n.ClientB, "/v1/rooms/lobby/messages", "a-room-1");
        Assert.Equal("netb", (string?)room["network_id"]);
        Assert.Equal("""{"network_id":"neta","message_id":"a-room-1"}""", room["origin"]!.ToJsonString());
        Assert.Equal("""{"type":"agent","id":"alpha","network_id":"neta","fqid":"molt://neta/agents/alpha"}""", room["from"]!.ToJsonString());

        var thread = """{"kind":"thread","room_id":"lobby","thread_id":"t-1","parent_message_id":"a-room-1"}""";
        Assert.Equal(202, (int)(await _n.ClientA.Post("/v1/messages", Send("a-thread-1", thread, "alpha", "in a thread"))).Status);
        var reply = await ArrivedAsync(_n.ClientB, "/v1/threads/t-1/messages", "a-thread-1");
        Assert.Equal("""{"network_id":"neta","message_id":"a-thread-1"}""", reply["origin"]!.ToJsonString());
        Assert.Equal("a-room-1", (string?)reply["target"]!["parent_message_id"]);
        Assert.Equal("lobby", (string?)(await _n.ClientB.Get("/v1/threads/t-1")).Body!["room_id"]);

        var dm = """{"kind":"dm","dm_id":"dm-ab","participant_ids":["alpha","netb:beta"]}""";
        Assert.Equal(202, (int)(await _n.ClientA.Post("/v1/messages", Send("a-dm-1", dm, "alpha", "psst"))).Status);
        var direct = await ArrivedAsync(_n.ClientB, "/v1/dms/dm-ab/messages", "a-dm-1");
        Assert.Equal("""{"network_id":"neta","message_id":"a-dm-1"}""", direct["origin"]!.ToJsonString());
        Assert.Equal("""["neta:alpha","netb:beta"]""", (await _n.ClientB.Get("/v1/dms/dm-ab")).Body!["participant_ids"]!.ToJsonString());

        // The other way round.
        Assert.Equal(202, (int)(await _n.ClientB.Post("/v1/messages", Send("b-room-1", Lobby, "beta", "hello from b"))).Status);
        var back = await ArrivedAsync(_n.ClientA, "/v1/rooms/lobby/messages", "b-room-1");
        Assert.Equal("""{"network_id":"netb","message_id":"b-room-1"}""", back["origin"]!.ToJsonString());
        Assert.Equal("neta", (string?)back["network_id"]);
        Assert.Equal(202, (int)(await _n.ClientA.Post("/v1/messages", Send("a-room-2", Lobby, "alpha", "again"))).Status);
        await ArrivedAsync(_n.ClientB, "/v1/rooms/lobby/messages", "a-room-2");

        // No echo: a relayed message is never queued again. Outboxes are delivered in commit order, so once each outbox is
        // empty an echo would have been delivered (and counted) before the last message: each side counts only its own.
        await OutboxDrainedAsync(_n.A, "to-b");
        await OutboxDrainedAsync(_n.B!, "to-a");
        Assert.Equal(4, await RelayCountAsync(_n.ClientA, "success"));
        Assert.Equal(1, await RelayCountAsync(_n.ClientB, "success"));
        Assert.Equal(["a-room-1", "b-room-1", "a-room-2"], (await MessagesAsync(_n.ClientA, "/v1/rooms/lobby/messages")).Select(m => (string)m!["id"]!));
        Assert.Equal(["a-room-1", "b-room-1", "a-room-2"], (await MessagesAsync(_n.ClientB, "/v1/rooms/lobby/messages")).Select(m => (string)m!["id"]!));
    }

    [Fact]
    public async Task Messages_sent_while_the_remote_is_down_arrive_exactly_once_and_in_order()
    {
        Assert.Equal(202, (int)(await _n.ClientA.Post("/v1/messages", Send("warm-up", Lobby, "alpha", "before"))).Status);
        await ArrivedAsync(_n.ClientB, "/v1/rooms/lobby/messages", "warm-up");
        await _n.StopBAsync();

        var ids = Enumerable.Range(1, 8).Select(i => $"offline-{i}").ToList();
        foreach (var id in ids)
            Assert.Equal(202, (int)(await _n.ClientA.Post("/v1/messages", Send(id, Lobby, "alpha", id))).Status);
        var failing = await EventuallyAsync(() => _n.ClientA.Get("/v1/pairings"), r => (string?)r.Body!["pairings"]![0]!["status"] == "error",
            "pairing to-b in error");
        Assert.Equal("remote_request_failed", (string?)failing.Body!["pairings"]![0]!["diagnostics"]!["reason"]);
        var items = await _n.A.Services.GetRequiredService<IMoltnetStore>().ReadOutboxAsync("to-b", 100, CancellationToken.None);
        Assert.Equal(ids, items.Select(i => i.MessageId));
        Assert.True(items[0].Attempts >= 1);

        await _n.StartBAsync();
        await ArrivedAsync(_n.ClientB, "/v1/rooms/lobby/messages", ids[^1]);
        await OutboxDrainedAsync(_n.A, "to-b");
        var received = (await MessagesAsync(_n.ClientB, "/v1/rooms/lobby/messages")).Select(m => (string)m!["id"]!).ToList();
        Assert.Equal(["warm-up", .. ids], received);
        await EventuallyAsync(() => _n.ClientA.Get("/v1/pairings"), r => (string?)r.Body!["pairings"]![0]!["status"] == "connected",
            "pairing to-b connected again");
    }

    [Fact]
    public async Task Discovery_and_status_never_show_or_log_the_pair_tokens()
    {
        var bodies = new List<string>();
        async Task<JsonNode> Get(HttpClient c, string path)
        {
            var res = await c.GetAsync(path);
            var text = await res.Content.ReadAsStringAsync();
            bodies.Add(text);
            Assert.True(res.IsSuccessStatusCode, $"{path}: {(int)res.StatusCode} {text}");
            return JsonNode.Parse(text)!;
        }

        var network = await Get(_n.ClientA, "/v1/pairings/to-b/network");
        Assert.Equal("netb", (string?)network["id"]);
        var rooms = await Get(_n.ClientA, "/v1/pairings/to-b/rooms");
        Assert.Equal(["lobby"], rooms["rooms"]!.AsArray().Select(r => (string)r!["id"]!));
        var agents = await Get(_n.ClientA, "/v1/pairings/to-b/agents");
        Assert.Contains("beta", agents["agents"]!.AsArray().Select(a => (string)a!["id"]!));
        var list = await Get(_n.ClientA, "/v1/pairings");
        var pairing = list["pairings"]![0]!;
        Assert.Equal("to-b", (string?)pairing["id"]);
        Assert.Null(pairing["token"]);
        Assert.Equal("connected", (string?)pairing["status"]);
        bodies.Add((await Get(_n.ClientA, "/v1/network")).ToJsonString());
        bodies.Add((await Get(_n.ClientB, "/v1/pairings")).ToJsonString());

        // Relay both ways, through an outage (failures get logged), then look at every log line and body.
        await _n.ClientA.Post("/v1/messages", Send("tok-1", Lobby, "alpha", "x"));
        await ArrivedAsync(_n.ClientB, "/v1/rooms/lobby/messages", "tok-1");
        await _n.StopBAsync();
        await _n.ClientA.Post("/v1/messages", Send("tok-2", Lobby, "alpha", "y"));
        await EventuallyAsync(() => _n.ClientA.Get("/v1/pairings"), r => (string?)r.Body!["pairings"]![0]!["status"] == "error", "error");
        bodies.Add((await Get(_n.ClientA, "/v1/pairings")).ToJsonString());
        await _n.StartBAsync();
        await ArrivedAsync(_n.ClientB, "/v1/rooms/lobby/messages", "tok-2");

        var logs = _n.AllLogs().ToList();
        Assert.Contains(logs, l => l.Contains("relay of message tok-2 to pairing to-b failed", StringComparison.Ordinal));
        foreach (var token in new[] { PairTokenAtoB, PairTokenBtoA })
        {
            Assert.DoesNotContain(logs, l => l.Contains(token, StringComparison.Ordinal));
            Assert.DoesNotContain(bodies, b => b.Contains(token, StringComparison.Ordinal));
        }
    }

    private static Task OutboxDrainedAsync(TestServer server, string pairingId) =>
        EventuallyAsync(() => server.Services.GetRequiredService<IMoltnetStore>().ReadOutboxAsync(pairingId, 10, CancellationToken.None),
            items => items.Count == 0, $"outbox {pairingId} drained");
}
