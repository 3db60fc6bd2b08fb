using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moltnet.Grains.Events;
using Moltnet.Grains.Storage;

namespace Moltnet.Cluster;

/// <summary>
/// The single ordered feed of a replica's broker when replicas share PostgreSQL (design.md §4 fan-out). Event cursors are
/// gap-free and commit-ordered across replicas (the store allocates them under the <c>event_counter</c> row lock), so the
/// broker's input must be exactly the log in cursor order, whoever wrote it:
/// <list type="bullet">
/// <item>local commits take a fast path straight to the broker when they follow the last delivered cursor;</item>
/// <item>otherwise (another replica committed in between) they wait, in memory, for the events before them: the tail
/// reads the log only up to the first of them, delivers what it read and then them, and reads on after them;</item>
/// <item>on every <c>NOTIFY moltnet_events</c> from another writer, listener reconnect or 2 s poll, the tail reads the
/// log after the broker's last cursor and delivers that.</item>
/// </list>
/// It delivers only durable events: a write commits before its WAL reaches the disk (the counter row is free sooner) and
/// is flushed right after, so a row may be visible for a moment before a database crash could no longer take it back.
/// The tail reads up to the newest cursor known durable: a notification's (sent after the flush), a local commit's
/// (delivered after it), or, after a poll or a reconnect, the store's answer (<see cref="IMoltnetStore.DurableEventCursorAsync"/>).
/// Every replica therefore delivers the same events in the same order, and a missed notification only delays delivery.
/// </summary>
public sealed partial class LogTail(IMoltnetStore store, EventBroker broker, TimeProvider time, ILogger<LogTail> log) : BackgroundService, IEventSink
{
    /// <summary>How often the tail reads the log without a notification (a lost NOTIFY costs at most this).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>Most events one log read delivers to the broker at once (a subscriber's queue holds more:
    /// <see cref="Moltnet.Configuration.LimitsSection.SubscriberQueue"/>).</summary>
    public const int PageSize = 256;

    /// <summary>Most local commits kept waiting for earlier events; past it they are dropped and read from the log.</summary>
    private const int MaxAhead = 1024;

    private readonly Lock _deliver = new();
    private readonly Queue<IReadOnlyList<StoredEvent>> _ahead = new(); // local commits after a gap, in cursor order; under _deliver
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _catchUps;
    private long _eventsRead;
    private long _durable;
    private volatile bool _refresh = true;

    /// <summary>Log reads that delivered events (other replicas' commits; local ones only when a read overtook their arrival
    /// here or the tail fell <see cref="MaxAhead"/> commits behind).</summary>
    public long CatchUps => Interlocked.Read(ref _catchUps);

    /// <summary>Events read from the log (the local commits that waited for earlier events are not among them).</summary>
    public long EventsRead => Interlocked.Read(ref _eventsRead);

    /// <summary>The newest cursor known to be durable.</summary>
    public long DurableCursor => Interlocked.Read(ref _durable);

    /// <summary>Store commits of this replica, durable already (runs on the store's writer; must not block).</summary>
    public void OnCommitted(IReadOnlyList<StoredEvent> events)
    {
        if (events.Count == 0) return;
        RaiseDurable(events[^1].Cursor);
        lock (_deliver)
        {
            DeliverAhead();
            if (_ahead.Count == 0 && events[0].Cursor <= broker.LastPublishedCursor + 1)
            {
                broker.OnCommitted(events);
                return;
            }
            // Another replica's events come first: these wait until the tail has read those.
            if (_ahead.Count >= MaxAhead) _ahead.Clear(); // the tail is stuck: it reads them from the log when it can
            _ahead.Enqueue(events);
        }
        Poke();
    }

    /// <summary>Asks the tail to read the log now.</summary>
    public void Poke()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Events may have committed unnoticed (the listener reconnected): ask the store how far the log is durable,
    /// then read.</summary>
    public void Refresh()
    {
        _refresh = true;
        Poke();
    }

    /// <summary>A notification carries the newest cursor of a flushed batch. One from this replica's own writer needs no
    /// read: its commit reaches <see cref="OnCommitted"/> directly.</summary>
    public void Notified(long cursor, bool ownWriter = false)
    {
        RaiseDurable(cursor);
        if (!ownWriter && cursor > broker.LastPublishedCursor) Poke();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await _wake.WaitAsync(PollInterval, stoppingToken)) _refresh = true;
                await CatchUpAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _refresh = true;
                CatchUpFailed(log, e);
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Delivers every durable event committed after the broker's last cursor.</summary>
    public async Task CatchUpAsync(CancellationToken ct)
    {
        if (_refresh)
        {
            _refresh = false;
            RaiseDurable(await store.DurableEventCursorAsync(ct));
        }
        while (true)
        {
            long after, upTo;
            lock (_deliver)
            {
                DeliverAhead();
                after = broker.LastPublishedCursor;
                upTo = DurableCursor;
                if (_ahead.TryPeek(out var local)) upTo = Math.Min(upTo, local[0].Cursor - 1); // the rest is in memory
            }
            if (upTo <= after) return;
            var page = await store.ReadEventsAsync(after, upTo, PageSize, ct);
            if (page.Count == 0) return;
            lock (_deliver) broker.OnCommitted(page);
            Interlocked.Increment(ref _catchUps);
            Interlocked.Add(ref _eventsRead, page.Count);
            if (page.Count < PageSize && page[^1].Cursor < upTo) return; // not visible yet: the next poke reads on
        }
    }

    /// <summary>Delivers the waiting local commits that now follow the broker's last cursor, and drops those a log read
    /// delivered already (a read can overtake a commit's arrival here). Under <see cref="_deliver"/>.</summary>
    private void DeliverAhead()
    {
        while (_ahead.TryPeek(out var local))
        {
            var last = broker.LastPublishedCursor;
            if (local[0].Cursor > last + 1) return;
            _ahead.Dequeue();
            if (local[^1].Cursor > last) broker.OnCommitted(local); // the broker skips what it has published
        }
    }

    private void RaiseDurable(long cursor)
    {
        var seen = Interlocked.Read(ref _durable);
        while (cursor > seen)
        {
            var was = Interlocked.CompareExchange(ref _durable, cursor, seen);
            if (was == seen) return;
            seen = was;
        }
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "reading the event log after the last delivered cursor failed; retrying")]
    private static partial void CatchUpFailed(ILogger logger, Exception error);
}
