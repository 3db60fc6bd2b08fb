using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Events;

/// <summary>One subscriber: a bounded queue of live events plus a cursor into the log. When the queue overflows, the broker
/// stops offering until the reader has caught up from the log, so no event is skipped and memory stays bounded.</summary>
internal sealed class Subscription(EventBroker broker, int capacity) : IEventSubscription
{
    private const int PageSize = 256;
    private readonly Channel<StoredEvent> _queue = Channel.CreateBounded<StoredEvent>(
        new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private volatile bool _overflowed;
    private long _cursor;
    private Event? _gap;
    private long _replayFrom = -1;

    /// <summary>Called by the broker under its lock. False when the event was not queued (it stays in the log).</summary>
    public bool Offer(StoredEvent e)
    {
        if (_overflowed) return false;
        if (_queue.Writer.TryWrite(e)) return true;
        _overflowed = true;
        return false;
    }

    /// <summary>Resolves the resume point: after a known id, the recent window after a gap, or live.</summary>
    public async Task PositionAsync(string? lastEventId, long live, CancellationToken ct)
    {
        _cursor = live;
        if (string.IsNullOrEmpty(lastEventId)) return;
        var store = broker.Store;
        var found = await store.FindEventCursorAsync(lastEventId, ct);
        if (found is { } c)
        {
            _replayFrom = c;
            return;
        }
        var (oldest, newest) = await store.EventBoundsAsync(ct);
        if (!lastEventId.StartsWith("evt_gap_", StringComparison.Ordinal)) _gap = broker.GapEvent(lastEventId, oldest, newest);
        // After a gap, replay the most recent window of the log (the original's whole ring buffer).
        _replayFrom = Math.Max((oldest?.Cursor ?? 1) - 1, (newest?.Cursor ?? 0) - EventBroker.ReplayWindow);
    }

    public async IAsyncEnumerable<FeedItem> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (_gap is not null) yield return new FeedItem(new LoggedEvent(_gap));
        if (_replayFrom >= 0)
        {
            // Replay from the log up to the live position; later events arrive through the queue or a catch-up.
            var target = _cursor;
            _cursor = _replayFrom;
            await foreach (var e in FromLogAsync(target, ct)) yield return e;
        }
        while (!ct.IsCancellationRequested)
        {
            if (_overflowed)
            {
                broker.CountLag();
                yield return new FeedItem(null, Lagged: true);
                while (_queue.Reader.TryRead(out _)) { }
                _overflowed = false;
                // Up to what the broker published (durable): later events are in the queue again.
                await foreach (var e in FromLogAsync(broker.LastPublishedCursor, ct)) yield return e;
                continue;
            }
            if (!_queue.Reader.TryRead(out var next))
            {
                if (!await _queue.Reader.WaitToReadAsync(ct)) yield break;
                continue;
            }
            if (next.Cursor <= _cursor) continue;
            _cursor = next.Cursor;
            yield return new FeedItem(next.Logged);
        }
    }

    private async IAsyncEnumerable<FeedItem> FromLogAsync(long upTo, [EnumeratorCancellation] CancellationToken ct)
    {
        while (_cursor < upTo)
        {
            var page = await broker.Store.ReadEventsAsync(_cursor, upTo, PageSize, ct);
            foreach (var e in page)
            {
                _cursor = e.Cursor;
                yield return new FeedItem(e.Logged);
            }
            if (page.Count < PageSize) yield break;
        }
    }

    public ValueTask DisposeAsync()
    {
        broker.Remove(this);
        _queue.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
