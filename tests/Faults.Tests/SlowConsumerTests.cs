using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 5: an SSE consumer that stops reading (its TCP window fills) while messages flow. The other observers
/// keep their latency, the server's memory stays bounded, and the slow consumer is told (<c>: lagging, catching up from
/// the event log</c>) and then gets every event in order once it reads again.</summary>
public sealed class SlowConsumerTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private static readonly int Messages = FaultMode.Pick(4000, 20_000);

    [Fact]
    public async Task A_stalled_reader_does_not_slow_others_or_grow_memory_and_is_told()
    {
        using var slow = new TcpClient { ReceiveBufferSize = 4096 };
        await slow.ConnectAsync("127.0.0.1", f.Server.Port);
        var stream = slow.GetStream();
        await stream.WriteAsync("GET /v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
        await using var fast = await SseClient.ConnectAsync(f.Http);
        var before = ProcessStats.Of(f.Server.Pid);

        var text = new string('p', 1024); // 1 KiB per event: the stalled socket fills within a few hundred
        var latencies = new List<double>();
        var sent = new Dictionary<string, long>();
        var reader = Task.Run(async () =>
        {
            var got = 0;
            while (got < Messages)
            {
                var e = await fast.NextEventAsync(TimeSpan.FromSeconds(30));
                if (e.Event != "message.created") continue;
                var id = Api.MessageId(e.Data!);
                long at;
                lock (sent) at = sent[id];
                lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                got++;
            }
        });
        var ids = new List<string>();
        for (var i = 0; i < Messages; i++)
        {
            var id = $"slow-{i:D5}";
            lock (sent) sent[id] = Stopwatch.GetTimestamp();
            Assert.Equal(202, (await f.Http.PostAsync("/v1/messages", Api.RoomMessage(id, text: text))).Status);
            ids.Add(id);
        }
        await reader;
        var after = ProcessStats.Of(f.Server.Pid);
        latencies.Sort();
        var p99 = latencies[(int)(latencies.Count * 0.99)];
        Console.WriteLine($"slow consumer: fast observer p50 {latencies[latencies.Count / 2]:F1} ms, p99 {p99:F1} ms; server {before} -> {after}");
        Assert.True(p99 < 1000, $"p99 latency of the reading observer {p99:F0} ms");
        // Everything the stalled socket did not take stays in the log, not in memory (4 MiB in CI would otherwise pile up).
        Assert.True(after.RssBytes - before.RssBytes < 64L << 20, $"server memory grew from {before} to {after}");

        // Reading again: told about the lag, then every event exactly once and in order.
        var raw = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var lastId = $"\"id\":\"{ids[^1]}\"";
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var body = "";
        var lastIdBytes = Encoding.UTF8.GetBytes(ids[^1]);
        for (var reads = 1; !body.Contains(lastId, StringComparison.Ordinal); reads++)
        {
            var n = await stream.ReadAsync(buffer, cts.Token);
            Assert.True(n > 0, "the server closed the stalled stream instead of catching it up");
            raw.Write(buffer, 0, n);
            // De-chunking is costly: only when the last id may have arrived, or when nothing more is waiting (a chunk
            // boundary may have split the id, and the stream then goes quiet until its next keep-alive).
            var tail = raw.GetBuffer().AsSpan(0, (int)raw.Length);
            if (tail[Math.Max(0, tail.Length - n - 64)..].IndexOf(lastIdBytes) >= 0 || reads % 500 == 0 || !stream.DataAvailable)
                body = Dechunk(raw.ToArray());
        }
        Assert.Contains(": lagging, catching up from the event log", body, StringComparison.Ordinal);
        var seen = body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal) && l.Contains("message.created", StringComparison.Ordinal))
            .Select(l => Api.MessageId(l[6..])).ToList();
        Assert.Equal(ids, seen);
    }

    /// <summary>The body of a chunked HTTP/1.1 response received so far (complete chunks only).</summary>
    private static string Dechunk(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var at = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (at < 0) return "";
        var body = new StringBuilder();
        var pos = at + 4;
        var bytes = raw.AsSpan();
        var bytePos = Encoding.UTF8.GetByteCount(text.AsSpan(0, pos));
        while (true)
        {
            var lineEnd = bytes[bytePos..].IndexOf("\r\n"u8);
            if (lineEnd < 0) break;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(bytes.Slice(bytePos, lineEnd)), 16);
            var start = bytePos + lineEnd + 2;
            if (size == 0 || start + size + 2 > bytes.Length) break;
            body.Append(Encoding.UTF8.GetString(bytes.Slice(start, size)));
            bytePos = start + size + 2;
        }
        return body.ToString();
    }
}
