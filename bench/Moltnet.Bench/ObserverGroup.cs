using System.Diagnostics;

namespace Moltnet.Bench;

/// <summary>K SSE observers over one connection pool, each on its own HTTP/1.1 connection.</summary>
internal sealed class ObserverGroup : IAsyncDisposable
{
    private readonly HttpClient _http;

    private ObserverGroup(HttpClient http, IReadOnlyList<SseObserver> observers)
    {
        _http = http;
        Observers = observers;
    }

    public IReadOnlyList<SseObserver> Observers { get; }

    public static async Task<ObserverGroup> ConnectAsync(string url, int count, string idPrefix, CancellationToken ct)
    {
        var http = BenchHttp.Client(url, Math.Max(1, count), Timeout.InfiniteTimeSpan);
        var observers = new List<SseObserver>(count);
        try
        {
            // A few at a time: connecting 100 at once only measures the accept queue.
            for (var i = 0; i < count; i += 10)
            {
                var batch = Enumerable.Range(i, Math.Min(10, count - i)).Select(_ => SseObserver.ConnectAsync(http, idPrefix, ct));
                observers.AddRange(await Task.WhenAll(batch));
            }
        }
        catch
        {
            foreach (var o in observers) await o.DisposeAsync();
            http.Dispose();
            throw;
        }
        return new ObserverGroup(http, observers);
    }

    /// <summary>Waits until every observer holds at least <paramref name="expected"/> of this run's messages, or until no
    /// observer made progress for <paramref name="quiet"/>. Returns how long the drain took.</summary>
    public async Task<TimeSpan> DrainAsync(long expected, TimeSpan quiet, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var lastTotal = -1L;
        var lastProgress = started;
        while (Observers.Count > 0)
        {
            var total = 0L;
            var done = true;
            foreach (var o in Observers)
            {
                var c = o.Log.Count;
                total += c;
                if (c < expected && o.ClosedEarly is null) done = false;
            }
            if (done) break;
            if (total != lastTotal)
            {
                lastTotal = total;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > quiet)
            {
                break;
            }
            await Task.Delay(20, ct);
        }
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Accepted messages that an observer never received, summed over observers.</summary>
    public long MissingDeliveries(IEnumerable<long> accepted)
    {
        var missing = 0L;
        foreach (var seq in accepted)
            foreach (var o in Observers)
                if (o.Log.ReceivedAt(seq) == 0) missing++;
        return missing;
    }

    public long Duplicates => Observers.Sum(o => o.Log.Duplicates);
    public int LagNotices => Observers.Sum(o => o.LagNotices);
    public int ClosedEarly => Observers.Count(o => o.ClosedEarly is not null);

    public async ValueTask DisposeAsync()
    {
        foreach (var o in Observers) await o.DisposeAsync();
        _http.Dispose();
    }
}
