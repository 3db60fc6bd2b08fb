using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 12: SIGTERM while 1,000 observers are connected and POSTs are in flight. Every acknowledged message is
/// stored; every stream ends promptly; observers reconnect to the next server by <c>Last-Event-ID</c> and get exactly
/// what they missed.</summary>
public sealed class ShutdownTests : IDisposable
{
    private static readonly int Observers = FaultMode.Pick(1000, 1000);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Sigterm_with_a_thousand_observers_and_writes_in_flight_loses_nothing()
    {
        _dir.Write("Moltnet", "limits:\n  max_streams: 5000\n  max_streams_per_identity: 5000\n");
        var port = ServerProcess.FreePort();
        using var observerHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 10_000 }) { Timeout = TimeSpan.FromMinutes(5) };
        var observers = new List<SseClient>();
        PacedLoad load;
        await using (var server = await ServerProcess.StartAsync(_dir.Path, port: port))
        {
            observerHttp.BaseAddress = new Uri(server.Url);
            await server.Client.CreateRoomAsync("r", "a");
            for (var i = 0; i < Observers; i++) observers.Add(await SseClient.ConnectAsync(observerHttp));
            Assert.All(observers, o => Assert.Equal(200, o.Status));

            load = new PacedLoad(server.Client, 300, i => ($"term-{i}", Api.RoomMessage($"term-{i}")));
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(stop.Token);
            while (load.Acked.Count < 200) await Task.Delay(5);
            var exit = server.TerminateAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, await exit);
            await stop.CancelAsync();
            await running;
            // Streams end with the process, not after a timeout.
            await Task.WhenAll(observers.Select(o => o.Ended)).WaitAsync(TimeSpan.FromSeconds(10));
        }

        await using var next = await ServerProcess.StartAsync(_dir.Path, port: port);
        var stored = new HashSet<string>(await next.Client.HistoryAsync("/v1/rooms/r/messages"));
        var lost = load.Acked.Where(id => !stored.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged messages lost");

        // A sample of observers reconnects by the last id it saw and gets every message it missed, exactly once.
        foreach (var o in observers.Take(10))
        {
            var seenBefore = new List<(string Id, string Message)>();
            while (true)
            {
                SseFrame e;
                try
                {
                    e = await o.NextEventAsync(TimeSpan.FromSeconds(1));
                }
                catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
                {
                    break; // the stream ended and everything it carried was read
                }
                if (e.Event == "message.created") seenBefore.Add((e.Id!, Api.MessageId(e.Data!)));
            }
            Assert.NotEmpty(seenBefore); // it was connected while 200+ messages were acknowledged
            await using var again = await SseClient.ConnectAsync(next.Client, lastEventId: seenBefore[^1].Id);
            var missed = stored.Count - seenBefore.Count;
            var replay = missed == 0 ? [] : await again.CollectAsync(missed, e => e.Event == "message.created", TimeSpan.FromSeconds(30));
            var all = seenBefore.Select(s => s.Message).Concat(replay.Select(e => Api.MessageId(e.Data!))).ToList();
            Assert.Equal(stored.Count, all.Distinct().Count());
            Assert.True(stored.SetEquals(all));
        }
        foreach (var o in observers) await o.DisposeAsync();
    }
}
