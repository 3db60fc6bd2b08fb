using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 8: a real server relays to a paired network (<see cref="FlakyRemote"/>, a raw socket server) that fails,
/// hangs past the relay timeout, answers something that is not HTTP or resets the connection mid-body. Every local send
/// still answers 202 and is in history and on the event stream; the pairing turns <c>error</c> with
/// <c>remote_request_failed</c> and a message naming the failure; the failed head of the outbox holds back the rest
/// (retried with backoff, never skipped); once the remote behaves, everything pending arrives once, in order, and the
/// pairing is <c>connected</c> again.</summary>
public sealed class RelayFaultTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(RemoteFault.ServerError, "POST /v1/messages answered HTTP 503 ServiceUnavailable")]
    [InlineData(RemoteFault.Hang, "POST /v1/messages timed out after 1s")]
    [InlineData(RemoteFault.NotHttp, "POST /v1/messages failed: invalid HTTP response")]
    [InlineData(RemoteFault.ResetMidBody, "POST /v1/messages failed: the connection closed before a complete response")]
    public async Task A_failing_remote_never_fails_a_local_send_and_gets_everything_once_it_behaves(RemoteFault fault, string cause)
    {
        await using var remote = FlakyRemote.Start();
        await using var server = await StartAsync(remote);
        var http = server.Client;
        await using var sse = await SseClient.ConnectAsync(http);
        var seen = new List<SseFrame>();
        await WarmAsync(http, remote);

        remote.Fault = fault;
        var ids = Enumerable.Range(1, 5).Select(i => $"f-{i}").ToList();
        foreach (var id in ids) Assert.Equal(202, (await http.PostAsync("/v1/messages", Api.RoomMessage(id, room: "lobby"))).Status);
        Assert.Equal(["warm", .. ids], await http.HistoryAsync("/v1/rooms/lobby/messages"));

        var failed = await PairingUpdatedAsync(sse, seen, "error");
        Assert.Equal("remote_request_failed", (string?)failed["diagnostics"]!["reason"]);
        Assert.Equal("Remote relay request failed: " + cause, (string?)failed["diagnostics"]!["message"]);
        // Retried with backoff: the head is tried again, and nothing behind it goes first.
        await EventuallyAsync(() => Task.FromResult(remote.Posts.Count(p => p.Fault == fault) >= 3), "three failed attempts");
        Assert.All(remote.Posts.Where(p => p.Fault == fault), p => Assert.Equal("f-1", p.MessageId));
        var pairing = await PairingAsync(http);
        Assert.Equal("error", (string?)pairing["status"]);
        Assert.Equal("Remote relay request failed: " + cause, (string?)pairing["diagnostics"]!["message"]);
        Assert.Equal(["warm"], remote.Taken);
        Assert.True(await RelayCountAsync(http, "error") >= 2); // the third attempt may still be in flight
        Assert.False(server.HasExited, server.Output);

        remote.Fault = RemoteFault.None;
        var connected = await PairingUpdatedAsync(sse, seen, "connected");
        Assert.Null(connected["diagnostics"]!["reason"]);
        await EventuallyAsync(() => Task.FromResult(remote.Taken.Contains(ids[^1])), "the pending relays");
        Assert.Equal(["warm", .. ids], remote.Taken); // once each, in order
        Assert.Equal("connected", (string?)(await PairingAsync(http))["status"]);
        // The remote takes a message before its answer is read: the count follows a moment later.
        await EventuallyAsync(async () => await RelayCountAsync(http, "success") >= 6, "six successful relays");
        Assert.Equal(6, await RelayCountAsync(http, "success"));
        // The local stream carried every send (committed before the pairing turned connected again), once, in order.
        Assert.Equal(["warm", .. ids], seen.Where(f => f.Event == "message.created").Select(f => Api.MessageId(f.Data!)));
    }

    [Fact]
    public async Task A_2xx_answer_whose_body_is_not_json_counts_as_delivered()
    {
        await using var remote = FlakyRemote.Start();
        await using var server = await StartAsync(remote);
        await WarmAsync(server.Client, remote);

        remote.Fault = RemoteFault.GarbageBody;
        Assert.Equal(202, (await server.Client.PostAsync("/v1/messages", Api.RoomMessage("g-1", room: "lobby"))).Status);
        await EventuallyAsync(() => Task.FromResult(remote.Taken.Contains("g-1")), "the relay of g-1");
        Assert.Equal(["warm", "g-1"], remote.Taken); // taken once: not retried
        Assert.Equal([("warm", RemoteFault.None), ("g-1", RemoteFault.GarbageBody)], remote.Posts);
        Assert.Equal("connected", (string?)(await PairingAsync(server.Client))["status"]);
        await EventuallyAsync(async () => await RelayCountAsync(server.Client, "success") >= 2, "two successful relays");
        Assert.Equal((2, 0), (await RelayCountAsync(server.Client, "success"), await RelayCountAsync(server.Client, "error")));
    }

    /// <summary>A server (network <c>local</c>, room <c>lobby</c>) paired with <paramref name="remote"/>: checks far apart so
    /// that only relays change the status; a 1 s relay timeout and quick backoff.</summary>
    private async Task<ServerProcess> StartAsync(FlakyRemote remote)
    {
        _dir.Write("Moltnet", $$"""
            version: moltnet.v1
            network: { id: local, name: Local }
            rooms:
              - { id: lobby, name: Lobby, members: [a] }
            pairings:
              - { id: to-fake, remote_network_id: {{FlakyRemote.NetworkId}}, remote_base_url: "{{remote.Url}}" }
            relay: { check_interval: 10m, error_check_interval: 10m, backoff_min: 100ms, backoff_max: 400ms, request_timeout: 1s, poll_interval: 100ms }

            """);
        return await ServerProcess.StartAsync(_dir.Path);
    }

    /// <summary>One message relayed while the remote behaves; the first check has made the pairing <c>connected</c>.</summary>
    private static async Task WarmAsync(HttpClient http, FlakyRemote remote)
    {
        Assert.Equal(202, (await http.PostAsync("/v1/messages", Api.RoomMessage("warm", room: "lobby"))).Status);
        await EventuallyAsync(() => Task.FromResult(remote.Taken.Contains("warm")), "the relay of warm");
        await EventuallyAsync(async () => (string?)(await PairingAsync(http))["status"] == "connected", "status connected");
    }

    private static async Task<JsonNode> PairingAsync(HttpClient http)
    {
        var list = await http.GetAnswerAsync("/v1/pairings");
        Assert.Equal(200, list.Status);
        return list.Body!["pairings"]!.AsArray().Single()!;
    }

    /// <summary>The pairing in the next <c>pairing.updated</c> event with <paramref name="status"/>; every event read on the
    /// way is added to <paramref name="seen"/>.</summary>
    private static async Task<JsonNode> PairingUpdatedAsync(SseClient sse, List<SseFrame> seen, string status)
    {
        var frames = await sse.CollectAsync(1, f =>
        {
            seen.Add(f);
            return f.Event == "pairing.updated" && (string?)JsonNode.Parse(f.Data!)!["pairing"]!["status"] == status;
        }, TimeSpan.FromSeconds(30));
        var pairing = JsonNode.Parse(frames[0].Data!)!["pairing"]!;
        Assert.Equal("to-fake", (string?)pairing["id"]);
        Assert.Null(pairing["token"]);
        return pairing;
    }

    /// <summary><c>moltnet_relay_total{result}</c> from <c>/metrics</c>.</summary>
    private static async Task<long> RelayCountAsync(HttpClient http, string result)
    {
        var text = await http.GetStringAsync("/metrics");
        var m = Regex.Match(text, $"^moltnet_relay_total\\{{result=\"{result}\"\\}} (\\d+)", RegexOptions.Multiline);
        return m.Success ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(50);
        }
    }
}
