using System.Collections.Concurrent;
using System.Diagnostics;

namespace Moltnet.Faults.Tests.Support;

/// <summary>An open-loop writer: starts one <c>POST /v1/messages</c> every 1/rate seconds (at most
/// <paramref name="maxInFlight"/> at once) until stopped, and records which message ids were acknowledged with 2xx.</summary>
public sealed class PacedLoad(HttpClient http, int ratePerSecond, Func<long, (string Id, string Body)> next, int maxInFlight = 128)
{
    public ConcurrentBag<string> Acked { get; } = [];
    public ConcurrentBag<int> Refused { get; } = [];
    private long _failed;
    private long _started;

    /// <summary>Requests that ended without an HTTP answer (connection reset, server gone).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public long Started => Interlocked.Read(ref _started);

    /// <summary>Runs until <paramref name="ct"/> is cancelled, then waits for requests in flight to finish.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(maxInFlight);
        var inFlight = new ConcurrentDictionary<long, Task>();
        var clock = Stopwatch.StartNew();
        for (long i = 0; !ct.IsCancellationRequested; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / ratePerSecond) - clock.Elapsed;
            try
            {
                if (due > TimeSpan.Zero) await Task.Delay(due, ct);
                await slots.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            Interlocked.Increment(ref _started);
            var (id, body) = next(i);
            var n = i;
            inFlight[n] = Task.Run(async () =>
            {
                try
                {
                    var r = await http.PostAsync("/v1/messages", body);
                    if (r.Status is >= 200 and < 300) Acked.Add(id);
                    else Refused.Add(r.Status);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    Interlocked.Increment(ref _failed);
                }
                finally
                {
                    slots.Release();
                    inFlight.TryRemove(n, out _);
                }
            }, CancellationToken.None);
        }
        await Task.WhenAll(inFlight.Values);
    }
}
