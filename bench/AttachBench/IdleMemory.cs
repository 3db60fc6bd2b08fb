namespace Moltnet.AttachBench;

/// <summary>RSS and managed-heap deltas of the server process for N idle attachments, each read after a full collection.</summary>
internal static class IdleMemory
{
    public sealed record Result(int Count, long Before, long After, long HeapBefore, long HeapAfter)
    {
        public double PerAttachment => (After - Before) / (double)Count;
        public double HeapPerAttachment => (HeapAfter - HeapBefore) / (double)Count;
    }

    public static async Task<Result> RunAsync(ServerProcess server, int count, int holdSeconds)
    {
        // Warm-up: JIT, pools and the agents themselves (registrations, grain activations) are not per-connection costs,
        // so every agent attaches and leaves once before the first reading.
        await foreach (var batch in AttachAllAsync(server, count)) foreach (var c in batch) await c.DisposeAsync();
        await Task.Delay(3000);
        var heapBefore = await server.CollectAsync();
        var before = server.Rss();
        var threadsBefore = server.Threads();
        var clients = new List<BenchClient>(count);
        await foreach (var batch in AttachAllAsync(server, count)) clients.AddRange(batch);
        Console.WriteLine($"holding {count} idle attachments for {holdSeconds} s");
        await Task.Delay(TimeSpan.FromSeconds(holdSeconds));
        var heapAfter = await server.CollectAsync();
        var after = server.Rss();
        Console.WriteLine($"server threads {threadsBefore} -> {server.Threads()}");
        foreach (var c in clients) await c.DisposeAsync();
        return new Result(count, before, after, heapBefore, heapAfter);
    }

    private static async IAsyncEnumerable<BenchClient[]> AttachAllAsync(ServerProcess server, int count)
    {
        for (var i = 0; i < count; i += 50)
            yield return await Task.WhenAll(Enumerable.Range(i, Math.Min(50, count - i)).Select(n => BenchClient.AttachAsync(server.Url, $"idle-{n}")));
    }
}
