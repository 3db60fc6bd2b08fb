using System.Collections.Concurrent;

namespace Moltnet.Grains.Domain.Messaging;

/// <summary>
/// Lookups of client-chosen message ids started ahead of the conversation's turn (<see cref="IMessageIdLookahead"/>). The
/// answer may be older than the turn; that is the race the store settles anyway (an id stored in between is refused by
/// its unique index at commit and answered as a duplicate), exactly as for a lookup made inside the turn.
/// </summary>
/// <param name="exists">The store's lookup.</param>
/// <param name="ahead">Whether to start lookups ahead at all: only where a lookup is a round trip to a database server
/// (PostgreSQL). SQLite and memory answer in-process and synchronously, so there is nothing to overlap.</param>
internal sealed class MessageIdLookahead(Func<string, CancellationToken, Task<bool>> exists, bool ahead = true) : IMessageIdLookahead
{
    private readonly ConcurrentDictionary<string, Task<bool>> _started = new(StringComparer.Ordinal);

    /// <summary>Lookups started and not yet collected or dropped.</summary>
    public int Pending => _started.Count;

    public IDisposable Start(string? messageId)
    {
        var id = messageId?.Trim();
        if (!ahead || id is null || !Ids.IsValid(id) || _started.ContainsKey(id)) return Nothing.Instance;
        var lookup = exists(id, CancellationToken.None);
        if (!_started.TryAdd(id, lookup))
        {
            Observe(lookup);
            return Nothing.Instance;
        }
        return new Started(this, id, lookup);
    }

    /// <summary>The answer for <paramref name="messageId"/>: a lookup started for it, or a new one.</summary>
    public Task<bool> ExistsAsync(string messageId, CancellationToken ct) =>
        _started.TryRemove(messageId, out var lookup) ? lookup.WaitAsync(ct) : exists(messageId, ct);

    /// <summary>A dropped lookup's failure (the store is down) is the next caller's to see, not an unobserved exception.</summary>
    private static void Observe(Task<bool> lookup) =>
        lookup.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private sealed class Started(MessageIdLookahead owner, string id, Task<bool> lookup) : IDisposable
    {
        public void Dispose()
        {
            if (owner._started.TryRemove(KeyValuePair.Create(id, lookup))) Observe(lookup);
        }
    }

    private sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();

        public void Dispose() { }
    }
}
