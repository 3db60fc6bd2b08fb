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
/// <item>otherwise (another replica committed in between), and on every <c>NOTIFY moltnet_events</c>, listener reconnect
/// or 2 s poll, the tail reads the log after the broker's last cursor and delivers that.</item>
/// </list>
/// Every replica therefore delivers the same events in the same order, and a missed notification only delays delivery.
/// </summary>
public sealed partial class LogTail(IMoltnetStore store, EventBroker broker, TimeProvider time, ILogger<LogTail> log) : BackgroundService, IEventSink
{
    /// <summary>How often the tail reads the log without a notification (a lost NOTIFY costs at most this).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private const int PageSize = 256;
    private readonly Lock _deliver = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _catchUps;

    /// <summary>Log reads that delivered events (remote commits, or local ones that could not take the fast path).</summary>
    public long CatchUps => Interlocked.Read(ref _catchUps);

    /// <summary>Store commits of this replica (runs on the store's writer; must not block).</summary>
    public void OnCommitted(IReadOnlyList<StoredEvent> events)
    {
        if (events.Count == 0) return;
        lock (_deliver)
        {
            if (events[0].Cursor <= broker.LastPublishedCursor + 1)
            {
                broker.OnCommitted(events);
                return;
            }
        }
        Poke(); // another replica's events come first: read them (and these) from the log
    }

    /// <summary>Asks the tail to read the log now (a notification arrived, or the listener reconnected).</summary>
    public void Poke()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    /// <summary>A notification carries the newest committed cursor: read only when it is ahead of the broker.</summary>
    public void Notified(long cursor)
    {
        if (cursor > broker.LastPublishedCursor) Poke();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(PollInterval, stoppingToken);
                await CatchUpAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                CatchUpFailed(log, e);
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Delivers every event committed after the broker's last cursor.</summary>
    public async Task CatchUpAsync(CancellationToken ct)
    {
        while (true)
        {
            var after = broker.LastPublishedCursor;
            var page = await store.ReadEventsAfterAsync(after, PageSize, ct);
            if (page.Count == 0) return;
            lock (_deliver) broker.OnCommitted(page);
            Interlocked.Increment(ref _catchUps);
            if (page.Count < PageSize) return;
        }
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "reading the event log after the last delivered cursor failed; retrying")]
    private static partial void CatchUpFailed(ILogger logger, Exception error);
}
