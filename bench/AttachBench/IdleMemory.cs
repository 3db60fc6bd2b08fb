namespace Moltnet.AttachBench;

/// <summary>RSS delta of the server process for N idle attachments.</summary>
internal static class IdleMemory
{
    public sealed record Result(int Count, long Before, long After)
    {
        public double PerAttachment => (After - Before) / (double)Count;
    }

    public static async Task<Result> RunAsync(ServerProcess server, int count)
    {
        // Warm-up: JIT and pools of the attach path.
        var warm = new List<BenchClient>();
        for (var i = 0; i < 50; i++) warm.Add(await BenchClient.AttachAsync(server.Url, $"warm-{i}"));
        foreach (var c in warm) await c.DisposeAsync();
        await Task.Delay(3000);
        var before = server.Rss();
        var clients = new List<BenchClient>(count);
        for (var i = 0; i < count; i += 50)
            clients.AddRange(await Task.WhenAll(Enumerable.Range(i, Math.Min(50, count - i)).Select(n => BenchClient.AttachAsync(server.Url, $"idle-{n}"))));
        await Task.Delay(4000);
        var after = server.Rss();
        foreach (var c in clients) await c.DisposeAsync();
        return new Result(count, before, after);
    }
}
