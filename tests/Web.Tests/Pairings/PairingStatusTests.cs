using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Moltnet.Configuration;
using Moltnet.TestSupport;
using static Moltnet.Web.Tests.Pairings.PairedNetworks;

namespace Moltnet.Web.Tests.Pairings;

/// <summary>Compatibility checks, status, diagnostics, warnings and discovery against a fake remote (spec §6).</summary>
public sealed class PairingStatusTests : IAsyncLifetime
{
    private const string Token = "pair-token-for-the-fake-4d1e";
    private FakeRemote _remote = null!;
    private TestServer _server = null!;
    private HttpClient C => _server.Client;

    public async Task InitializeAsync()
    {
        _remote = await FakeRemote.StartAsync();
        _server = await TestServer.StartAsync(new MoltnetConfig
        {
            Network = new NetworkSection { Id = "local" },
            Storage = new StorageSection { Kind = StorageKinds.Memory },
            Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
            Pairings = [new PairingConfig { Id = "fake", RemoteNetworkId = "fake", RemoteBaseUrl = _remote.Url, Token = Token }],
            // Shorter than the "slow" remote's 5 s, long enough for a first request on a loaded CI machine (700 ms was not).
            Relay = FastRelay with { RequestTimeout = TimeSpan.FromSeconds(2) },
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _remote.DisposeAsync();
    }

    private Task<JsonNode> PairingWhenAsync(string status) =>
        EventuallyAsync(async () => (await C.Get("/v1/pairings")).Body!["pairings"]![0]!, p => (string?)p["status"] == status, $"status {status}");

    public static TheoryData<string, string> Failures => new()
    {
        { "500", "GET /v1/network answered HTTP 500" },
        { "garbage", "not a network document" },
        { "slow", "timed out" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failing_remote_makes_the_pairing_error_with_diagnostics_then_connected_again(string failure, string expected)
    {
        await PairingWhenAsync("connected");
        await using var sse = await SseClient.ConnectAsync(C);
        _remote.Network = failure switch
        {
            "500" => FakeRemote.Json("""{"error":"boom"}""", 500),
            "garbage" => FakeRemote.Json("<html>certainly not json"),
            _ => async http =>
            {
                await Task.Delay(TimeSpan.FromSeconds(5), http.RequestAborted);
                await FakeRemote.Json(FakeRemote.GoodNetwork("fake"))(http);
            },
        };

        var error = await PairingWhenAsync("error");
        var d = error["diagnostics"]!;
        Assert.Equal("remote_request_failed", (string?)d["reason"]);
        Assert.Contains(expected, (string?)d["message"]);
        Assert.Equal("9.9.9", (string?)d["remote_version"]); // from the last good check
        Assert.NotNull(d["checked_at"]);
        var network = (await C.Get("/v1/network")).Body!;
        var warning = Assert.Single(network["warnings"]!.AsArray())!;
        Assert.Equal(("warning", "pairings.error", "1 pairing(s) in error."),
            ((string?)warning["severity"], (string?)warning["code"], (string?)warning["message"]));
        var updated = await sse.CollectAsync(1, f => f.Event == "pairing.updated" && f.Data!.Contains("\"error\""));
        Assert.DoesNotContain(Token, updated[0].Data);

        _remote.Network = FakeRemote.Json(FakeRemote.GoodNetwork("fake"));
        var back = await PairingWhenAsync("connected");
        Assert.Null(back["diagnostics"]!["reason"]);
        Assert.Equal("""{"http":["moltnet.http.v1"],"attach":["moltnet.attach.v1"],"pair":["moltnet.pair.v1"]}""",
            back["diagnostics"]!["remote_protocols"]!.ToJsonString());
        Assert.Null((await C.Get("/v1/network")).Body!["warnings"]);
        Assert.All(_remote.Authorizations, a => Assert.Equal("Bearer " + Token, a));
    }

    public static TheoryData<string, string> Incompatible => new()
    {
        { FakeRemote.GoodNetwork("someone-else"), "network_id_mismatch" },
        { FakeRemote.GoodNetwork("fake", pair: "\"moltnet.pair.v0\""), "unsupported_pair_protocol" },
    };

    [Theory]
    [MemberData(nameof(Incompatible))]
    public async Task A_remote_with_another_id_or_only_pair_v0_is_incompatible(string network, string reason)
    {
        _remote.Network = FakeRemote.Json(network);
        var pairing = await PairingWhenAsync("incompatible");
        Assert.Equal(reason, (string?)pairing["diagnostics"]!["reason"]);
        var warning = Assert.Single((await C.Get("/v1/network")).Body!["warnings"]!.AsArray())!;
        Assert.Equal(("error", "pairings.incompatible", "1 pairing(s) incompatible."),
            ((string?)warning["severity"], (string?)warning["code"], (string?)warning["message"]));
        (await C.Get("/v1/pairings/fake/rooms")).AssertError(502, "bad_gateway", "bad gateway");
        (await C.Get("/v1/pairings/fake/agents")).AssertError(502, "bad_gateway", "bad gateway");
        // The raw remote document is still served (verbatim).
        var raw = await C.GetStringAsync("/v1/pairings/fake/network");
        Assert.Equal(network + "\n", raw);

        // Relays wait while incompatible instead of being sent or lost.
        await C.Post("/v1/rooms", """{"id":"r","members":["alpha"]}""");
        await C.Post("/v1/messages", """{"id":"held","target":{"kind":"room","room_id":"r"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text","text":"x"}]}""");
        await Task.Delay(FastRelay.PollInterval * 3); // several relay rounds while incompatible
        Assert.Empty(_remote.Received);
        _remote.Network = FakeRemote.Json(FakeRemote.GoodNetwork("fake"));
        await PairingWhenAsync("connected");
        await EventuallyAsync(() => Task.FromResult(_remote.Received.Count), n => n == 1, "held relay delivered");
        Assert.Contains("\"id\":\"held\"", _remote.Received.Single());
    }

    [Fact]
    public async Task Discovery_follows_every_remote_page_and_pages_locally()
    {
        _remote.Collections["rooms"].AddRange(["r1", "r2", "r3", "r4", "r5"]);
        _remote.Collections["agents"].AddRange(["a1", "a2", "a3"]);
        await PairingWhenAsync("connected"); // the remote has answered once (its first request is the slow one)
        var rooms = (await C.Get("/v1/pairings/fake/rooms")).Body!;
        Assert.Equal(["r1", "r2", "r3", "r4", "r5"], rooms["rooms"]!.AsArray().Select(r => (string)r!["id"]!));
        Assert.Equal("""{"has_more":false}""", rooms["page"]!.ToJsonString());
        var page = (await C.Get("/v1/pairings/fake/rooms?limit=2&after=r2")).Body!;
        Assert.Equal(["r3", "r4"], page["rooms"]!.AsArray().Select(r => (string)r!["id"]!));
        Assert.Equal("""{"has_more":true,"next_before":"r3","next_after":"r4"}""", page["page"]!.ToJsonString());
        var agents = (await C.Get("/v1/pairings/fake/agents")).Body!;
        Assert.Equal(["a1", "a2", "a3"], agents["agents"]!.AsArray().Select(a => (string)a!["id"]!));
        Assert.Contains("/v1/rooms?limit=500&after=r4", _remote.Paths);

        _remote.Network = FakeRemote.Json(FakeRemote.GoodNetwork("fake", pagination: "offset"));
        (await C.Get("/v1/pairings/fake/rooms")).AssertError(502, "bad_gateway");
        Assert.Equal("degraded", (string?)(await C.Get("/v1/pairings")).Body!["pairings"]![0]!["status"]);
    }

    [Fact]
    public async Task Unknown_pairing_is_404_and_the_list_never_holds_the_token()
    {
        (await C.Get("/v1/pairings/nope/network")).AssertError(404, "not_found", "unknown pairing \"nope\"");
        (await C.Get("/v1/pairings/nope/rooms")).AssertError(404, "not_found", "unknown pairing \"nope\"");
        var text = await C.GetStringAsync("/v1/pairings");
        Assert.DoesNotContain(Token, text);
        Assert.Contains("\"remote_base_url\":\"" + _remote.Url + "\"", text);
    }

    [Fact]
    public async Task Relays_retry_with_backoff_in_order_and_a_final_refusal_does_not_block_the_rest()
    {
        await PairingWhenAsync("connected");
        var calls = 0;
        _remote.Messages = (http, body) =>
        {
            var n = Interlocked.Increment(ref calls);
            if (body.Contains("\"id\":\"refused\"")) return FakeRemote.Json("""{"error":"unknown room","code":"not_found"}""", 404)(http);
            return n <= 3 ? FakeRemote.Json("{}", 503)(http) : FakeRemote.Json("""{"accepted":true}""", 202)(http);
        };
        await C.Post("/v1/rooms", """{"id":"r","members":["alpha"]}""");
        foreach (var id in new[] { "m1", "refused", "m2", "m3" })
            await C.Post("/v1/messages", $$"""{"id":"{{id}}","target":{"kind":"room","room_id":"r"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text","text":"x"}]}""");
        await EventuallyAsync(() => Task.FromResult(_remote.Received.Count(b => b.Contains("\"id\":\"m3\""))), n => n == 1, "m3 delivered");
        var order = _remote.Received.Select(b => JsonNode.Parse(b)!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(["m1", "m1", "m1", "m1", "refused", "m2", "m3"], order);
        var first = JsonNode.Parse(_remote.Received.First())!;
        Assert.Equal("""{"network_id":"local","message_id":"m1"}""", first["origin"]!.ToJsonString());
        Assert.Equal("""{"type":"agent","id":"alpha","network_id":"local","fqid":"molt://local/agents/alpha"}""", first["from"]!.ToJsonString());
    }
}
