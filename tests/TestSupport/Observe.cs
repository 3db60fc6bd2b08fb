namespace Moltnet.TestSupport;

/// <summary>Reading message ids off an SSE stream.</summary>
public static class Observe
{
    /// <summary>Message ids with <paramref name="prefix"/> in stream order, until <paramref name="last"/> arrived (included).</summary>
    public static async Task<List<string>> UntilAsync(SseClient sse, string prefix, string last, TimeSpan? timeout = null)
    {
        var ids = new List<string>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"{last} not seen; got {ids.Count} messages");
            var id = Replicas.MessageId(await sse.NextEventAsync(left));
            if (id is null || !id.StartsWith(prefix, StringComparison.Ordinal)) continue;
            ids.Add(id);
            if (id == last) return ids;
        }
    }

    /// <summary>Every frame the stream delivered before the server dropped it: (event id, message id or null).</summary>
    public static async Task<List<(string? EventId, string? MessageId)>> UntilEndAsync(SseClient sse, TimeSpan timeout)
    {
        var frames = new List<(string?, string?)>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("the stream did not end");
            SseFrame f;
            try
            {
                f = await sse.NextEventAsync(left);
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                return frames;
            }
            frames.Add((f.Id, Replicas.MessageId(f)));
        }
    }

    /// <summary>Waits until every stream has the warm-up message <paramref name="id"/> (so they are all live).</summary>
    public static Task WarmAsync(IEnumerable<SseClient> streams, string id) =>
        Task.WhenAll(streams.Select(s => UntilAsync(s, id, id, TimeSpan.FromSeconds(30))));
}
