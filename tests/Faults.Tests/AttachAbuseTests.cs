using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 10: WebSocket abuse against a real server process. Each abuser gets the spec's ERROR (or is dropped by
/// a deadline) and the socket closes, while a well-behaved attachment on the same server keeps receiving events.</summary>
public sealed class AttachAbuseTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Binary_frame_before_identify_and_after_ready_is_refused()
    {
        await using (var early = await AttachClient.ConnectAsync(f.Server.Url))
        {
            Assert.Equal("HELLO", (string?)(await early.ReceiveAsync())["op"]);
            await early.SendBinaryAsync([0x7B, 0x7D]);
            Assert.Equal("attachment protocol only accepts text JSON frames", await early.ExpectClosedAsync());
        }
        await using (var late = (await AttachClient.AttachAsync(f.Server.Url, "a")).Client)
        {
            await late.SendBinaryAsync([1, 2, 3]);
            Assert.Equal("attachment protocol only accepts text JSON frames", await late.ExpectClosedAsync());
        }
        await AssertServesAGoodAttachmentAsync();
    }

    [Fact]
    public async Task Unknown_ack_closes_the_session_and_a_repeated_ack_is_harmless()
    {
        await using (var c = (await AttachClient.AttachAsync(f.Server.Url, "a")).Client)
        {
            Assert.Equal(202, (await f.Http.PostAsync("/v1/messages", Api.RoomMessage("ack-me"))).Status);
            var cursor = (string)(await c.NextEventOfTypeAsync("message.created"))["event"]!["id"]!;
            await c.SendAsync($$"""{"op":"ACK","cursor":"{{cursor}}"}""");
            await c.SendAsync($$"""{"op":"ACK","cursor":"{{cursor}}"}""");
            await c.SendAsync("""{"op":"PING","version":"moltnet.attach.v1"}""");
            Assert.Equal("PONG", (string?)(await c.NextAsync())["op"]); // still open after the repeat
            await c.SendAsync("""{"op":"ACK","cursor":"evt_never_sent"}""");
            Assert.Equal("unexpected ACK cursor", await c.ExpectClosedAsync());
        }
        await AssertServesAGoodAttachmentAsync();
    }

    [Fact]
    public async Task Oversize_frame_is_refused_without_reading_it_all()
    {
        await using (var c = (await AttachClient.AttachAsync(f.Server.Url, "a")).Client)
        {
            await c.SendAsync($$"""{"op":"PING","version":"moltnet.attach.v1","error":"{{new string('x', 1 << 20)}}"}""");
            Assert.Equal("attachment frame exceeds 1048576 bytes", await c.ExpectClosedAsync());
            Assert.Equal(WebSocketCloseStatus.MessageTooBig, c.Socket.CloseStatus);
        }
        await AssertServesAGoodAttachmentAsync();
    }

    [Fact]
    public async Task Silent_clients_are_dropped_by_the_identify_and_heartbeat_deadlines()
    {
        await using var noIdentify = await AttachClient.ConnectAsync(f.Server.Url);
        Assert.Equal("HELLO", (string?)(await noIdentify.ReceiveAsync())["op"]);
        await using var noPong = (await AttachClient.AttachAsync(f.Server.Url, "a")).Client;
        var clock = Stopwatch.StartNew();

        // Never answers: reads (and ignores) PINGs until the server closes.
        var silent = Task.Run(async () =>
        {
            var pings = 0;
            while (await noPong.ReceiveTextAsync(TimeSpan.FromSeconds(20)) is { } text)
                if (text.Contains("\"PING\"", StringComparison.Ordinal)) pings++;
            return (pings, clock.Elapsed);
        });
        Assert.Equal("attachment IDENTIFY was not received in time", await noIdentify.ExpectClosedAsync(TimeSpan.FromSeconds(20)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(15)); // IDENTIFY deadline: 10 s
        var (pingsSeen, droppedAfter) = await silent;
        Assert.InRange(droppedAfter, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(15)); // read deadline: 2 × 5 s heartbeat
        Assert.InRange(pingsSeen, 2, 5); // PING every 2.5 s
        await AssertServesAGoodAttachmentAsync();
    }

    [Fact]
    public async Task A_slow_upgrade_is_cut_off_by_the_header_timeout_and_others_are_unaffected()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", f.Server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("GET /v1/attach HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"u8.ToArray());
        var clock = Stopwatch.StartNew();
        await AssertServesAGoodAttachmentAsync(); // while the upgrade dribbles
        var buffer = new byte[4096];
        var answer = new StringBuilder();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0) answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        catch (IOException)
        {
            // Reset by the server: also a cut-off.
        }
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(12)); // Kestrel header timeout: 5 s
        Assert.True(answer.Length == 0 || answer.ToString().StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer.ToString());
    }

    /// <summary>A fresh attachment for agent <c>b</c> gets READY and the next message at once.</summary>
    private async Task AssertServesAGoodAttachmentAsync()
    {
        Assert.False(f.Server.HasExited, f.Server.Output);
        await using var good = (await AttachClient.AttachAsync(f.Server.Url, "b")).Client;
        var id = "good-" + Guid.NewGuid().ToString("N");
        Assert.Equal(202, (await f.Http.PostAsync("/v1/messages", Api.RoomMessage(id))).Status);
        var e = await good.NextEventOfTypeAsync("message.created", TimeSpan.FromSeconds(5));
        Assert.Equal(id, (string)e["event"]!["message"]!["id"]!);
    }
}
