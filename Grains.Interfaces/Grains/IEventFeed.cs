using Moltnet.Wire;

namespace Moltnet.Grains;

/// <summary>The network's events in log order, live and from the durable log (design.md §3, §5).</summary>
public interface IEventFeed
{
    /// <summary>Subscribes after <paramref name="lastEventId"/> (null = from now). An unknown or pruned id first yields one
    /// <c>stream.replay_gap</c> event. A subscriber that falls behind its queue is caught up from the log, never skipped.</summary>
    Task<IEventSubscription> SubscribeAsync(string? lastEventId, CancellationToken ct);
}

/// <summary>One subscriber's ordered view of the feed.</summary>
public interface IEventSubscription : IAsyncDisposable
{
    /// <summary>Events in cursor order. A <see cref="FeedItem"/> with <see cref="FeedItem.Lagged"/> set says the subscriber fell
    /// behind its queue and is being caught up from the log.</summary>
    IAsyncEnumerable<FeedItem> ReadAllAsync(CancellationToken ct);
}

/// <summary>One item of a subscriber's feed: an event, or a lag marker.</summary>
/// <param name="Logged">The event (null for a lag marker); decoded only when a consumer reads <see cref="Event"/>.</param>
/// <param name="Lagged">The subscriber fell behind its queue and is being caught up from the log.</param>
public readonly record struct FeedItem(LoggedEvent? Logged, bool Lagged = false)
{
    /// <summary>The decoded event (null for a lag marker).</summary>
    public Event? Event => Logged?.Event;
}
