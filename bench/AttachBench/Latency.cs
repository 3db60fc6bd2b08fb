using System.Buffers.Text;
using System.Diagnostics;
using System.Text;

namespace Moltnet.AttachBench;

/// <summary>p50/p99 from just before POST to EVENT arrival, with many attachments in one room.</summary>
internal static class Latency
{
    public sealed record Result(int Attachments, int Rate, int Sent, int Samples, double P50, double P99, double Max);

    public static async Task<Result> RunAsync(ServerProcess server, int attachments, int rate, int seconds, int warmupSeconds)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var members = string.Join(",", Enumerable.Range(0, attachments).Select(i => $"\"lat-{i}\"").Append("\"sender\""));
        (await http.PostAsync("/v1/rooms", Json($$"""{"id":"lat","members":[{{members}}]}"""))).EnsureSuccessStatusCode();
        var samples = new double[attachments][];
        var counts = new int[attachments];
        var total = rate * seconds;
        var clients = new List<BenchClient>();
        for (var i = 0; i < attachments; i++)
        {
            var index = i;
            samples[i] = new double[total];
            clients.Add(await BenchClient.AttachAsync(server.Url, $"lat-{i}", (frame, now) => Record(frame, now, samples[index], ref counts[index])));
        }
        // Warm-up at the same rate (not measured: the text carries no timestamp), so the JIT has tiered up.
        await SendAsync(http, rate * warmupSeconds, rate, () => "warm");
        await Task.Delay(1000);
        await SendAsync(http, total, rate, () => "t=" + Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var expected = total * attachments;
        for (var i = 0; i < 100 && counts.Sum() < expected; i++) await Task.Delay(100);
        foreach (var c in clients) await c.DisposeAsync();
        var all = samples.SelectMany((s, i) => s.Take(counts[i])).Order().ToArray();
        double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        return new Result(attachments, rate, total, all.Length, P(0.5), P(0.99), all.Length == 0 ? double.NaN : all[^1]);
    }

    /// <summary>Open loop: message n is due at n / rate seconds; a slow answer never delays the next send.</summary>
    private static async Task SendAsync(HttpClient http, int count, int rate, Func<string> text)
    {
        var sw = Stopwatch.StartNew();
        var posts = new List<Task>(count);
        for (var n = 0; n < count; n++)
        {
            var wait = TimeSpan.FromSeconds(n / (double)rate) - sw.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            posts.Add(Post(http, text()));
        }
        await Task.WhenAll(posts);
    }

    private static void Record(ReadOnlyMemory<byte> frame, long now, double[] into, ref int count)
    {
        var span = frame.Span;
        var at = span.IndexOf("\"text\":\"t="u8);
        if (at < 0 || count >= into.Length) return;
        var digits = span[(at + "\"text\":\"t=".Length)..];
        if (!Utf8Parser.TryParse(digits, out long sent, out _)) return;
        into[count++] = Clock.Ms(sent, now);
    }

    private static async Task Post(HttpClient http, string text)
    {
        var body = $$"""{"target":{"kind":"room","room_id":"lat"},"from":{"type":"agent","id":"sender"},"parts":[{"kind":"text","text":"{{text}}"}]}""";
        using var r = await http.PostAsync("/v1/messages", Json(body));
        r.EnsureSuccessStatusCode();
    }

    private static StringContent Json(string s) => new(s, Encoding.UTF8, "application/json");
}
