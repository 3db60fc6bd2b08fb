using Moltnet.Grains.Domain;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Events;

/// <summary>The local fan-out: fed by the store's commits in cursor order, it hands each subscriber a bounded queue and
/// catches a subscriber up from the durable log when its queue overflows.</summary>
public sealed class EventBroker(IMoltnetStore store, NetworkContext net, BrokerOptions options) : IEventSink, IEventFeed
{
    public const int ReplayWindow = 256;
    private readonly Lock _lock = new();
    private readonly HashSet<Subscription> _subscribers = [];
    private long _lastPublished;
    private long _dropped;
    private long _lagged;

    /// <summary>Events a subscriber's queue could not take (each one is later read from the log).</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Times a subscriber fell behind and was caught up from the log.</summary>
    public long LaggedCount => Interlocked.Read(ref _lagged);

    public int SubscriberCount
    {
        get { lock (_lock) return _subscribers.Count; }
    }

    /// <summary>The newest cursor handed to subscribers (the <c>moltnet_event_log_cursor</c> gauge).</summary>
    public long LastPublishedCursor
    {
        get { lock (_lock) return _lastPublished; }
    }

    /// <summary>Sets the live position to the newest durable event of the log; call once before serving.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        var newest = await store.DurableEventCursorAsync(ct);
        lock (_lock) _lastPublished = Math.Max(_lastPublished, newest);
    }

    public void OnCommitted(IReadOnlyList<StoredEvent> events)
    {
        if (events.Count == 0) return;
        lock (_lock)
        {
            foreach (var e in events)
            {
                if (e.Cursor <= _lastPublished) continue;
                _lastPublished = e.Cursor;
                using var activity = Telemetry.StartPublish(e, _subscribers.Count);
                foreach (var s in _subscribers)
                    if (!s.Offer(e)) Interlocked.Increment(ref _dropped);
            }
        }
    }

    public async Task<IEventSubscription> SubscribeAsync(string? lastEventId, CancellationToken ct)
    {
        var sub = new Subscription(this, options.QueueCapacity);
        long live;
        lock (_lock)
        {
            live = _lastPublished;
            _subscribers.Add(sub);
        }
        try
        {
            await sub.PositionAsync(lastEventId, live, ct);
        }
        catch
        {
            Remove(sub);
            throw;
        }
        return sub;
    }

    internal void Remove(Subscription sub)
    {
        lock (_lock) _subscribers.Remove(sub);
    }

    internal void CountLag() => Interlocked.Increment(ref _lagged);

    internal IMoltnetStore Store => store;

    internal Event GapEvent(string requested, StoredEvent? oldest, StoredEvent? newest) => new()
    {
        Id = Ids.GapEventId(requested),
        Type = EventTypes.StreamReplayGap,
        NetworkId = newest?.Event.NetworkId ?? net.NetworkId,
        ReplayGap = new ReplayGap(requested, oldest?.Event.Id, newest?.Event.Id),
        CreatedAt = net.Now(),
    };
}

/// <summary>Bounds on the broker's per-subscriber queues.</summary>
public sealed record BrokerOptions(int QueueCapacity = 1024);
