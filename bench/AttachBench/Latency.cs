using System.Buffers.Text;
using System.Diagnostics;
using System.Text;

namespace Moltnet.AttachBench;

/// <summary>p50/p99 from just before POST to EVENT arrival, with many attachments in one room.</summary>
internal static class Latency
{
    public sealed record Result(int Attachments, int Rate, int Sent, int Samples, double P50, double P99, double Max, double PostP50, double PostP99);

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
        await SendAsync(http, rate * warmupSeconds, rate, () => "warm", null);
        await Task.Delay(1000);
        var answers = new System.Collections.Concurrent.ConcurrentBag<double>();
        await SendAsync(http, total, rate, () => "t=" + Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture), answers);
        var expected = total * attachments;
        for (var i = 0; i < 100 && counts.Sum() < expected; i++) await Task.Delay(100);
        foreach (var c in clients) await c.DisposeAsync();
        var all = samples.SelectMany((s, i) => s.Take(counts[i])).Order().ToArray();
        var posts = answers.Order().ToArray();
        return new Result(attachments, rate, total, all.Length, Quantile(all, 0.5), Quantile(all, 0.99), all.Length == 0 ? double.NaN : all[^1],
            Quantile(posts, 0.5), Quantile(posts, 0.99));
    }

    private static double Quantile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    /// <summary>Open loop: message n is due at n / rate seconds; a slow answer never delays the next send.</summary>
    private static async Task SendAsync(HttpClient http, int count, int rate, Func<string> text, System.Collections.Concurrent.ConcurrentBag<double>? answers)
    {
        var sw = Stopwatch.StartNew();
        var posts = new List<Task>(count);
        for (var n = 0; n < count; n++)
        {
            var wait = TimeSpan.FromSeconds(n / (double)rate) - sw.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            posts.Add(Post(http, text(), answers));
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

    /// <summary>Posts one message; records the time to its 202 into <paramref name="answers"/> when given.</summary>
    private static async Task Post(HttpClient http, string text, System.Collections.Concurrent.ConcurrentBag<double>? answers)
    {
        var started = Stopwatch.GetTimestamp();
        var body = $$"""{"target":{"kind":"room","room_id":"lat"},"from":{"type":"agent","id":"sender"},"parts":[{"kind":"text","text":"{{text}}"}]}""";
        using var r = await http.PostAsync("/v1/messages", Json(body));
        r.EnsureSuccessStatusCode();
        answers?.Add(Clock.Ms(started, Stopwatch.GetTimestamp()));
    }

    private static StringContent Json(string s) => new(s, Encoding.UTF8, "application/json");
}
