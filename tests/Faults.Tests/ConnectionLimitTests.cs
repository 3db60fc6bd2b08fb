using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 11: connection limits on a real server process. Stream caps answer 503 in the error envelope; with
/// file descriptors exhausted (a low <c>ulimit -n</c>) requests are refused or answered 503, never 2xx-with-loss or a
/// crash, and the server serves normally once descriptors are free again.</summary>
public sealed class ConnectionLimitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Stream_caps_answer_503_per_identity_and_in_total()
    {
        _dir.Write("Moltnet", "limits:\n  max_streams: 3\n  max_streams_per_identity: 2\n");
        await using var server = await ServerProcess.StartAsync(_dir.Path);
        var one = await SseClient.ConnectAsync(server.Client);
        await using var two = await SseClient.ConnectAsync(server.Client);
        Assert.Equal(200, one.Status);
        Assert.Equal(200, two.Status);
        (await server.Client.GetAnswerAsync("/v1/events/stream")).AssertError(503, "service_unavailable", "service unavailable");
        await one.DisposeAsync(); // a freed slot is reusable
        await WaitUntilAsync(async () => (await TryStreamAsync(server.Client)) == 200);
        Assert.False(server.HasExited);
    }

    [Fact]
    public async Task Exhausted_file_descriptors_give_refusals_or_503_and_no_crash()
    {
        const int limit = 256;
        _dir.Write("Moltnet", "limits:\n  max_streams: 2000\n  max_streams_per_identity: 2000\n");
        await using var server = await ServerProcess.StartAsync(_dir.Path, openFileLimit: limit);
        await server.Client.CreateRoomAsync("r", "a");
        Assert.Equal(202, (await server.Client.PostAsync("/v1/messages", Api.RoomMessage("before"))).Status);

        // Hold open streams until the server runs out of descriptors (each costs it one socket).
        using var holder = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 10_000 }) { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(5) };
        var streams = new List<SseClient>();
        try
        {
            for (var i = 0; i < limit + 50; i++)
            {
                try
                {
                    streams.Add(await SseClient.ConnectAsync(holder));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    break; // not accepted any more
                }
            }
            Assert.True(streams.Count < limit, $"{streams.Count} streams open under a limit of {limit}");
            Assert.All(streams, s => Assert.True(s.Status is 200 or 503, $"stream answered {s.Status}"));

            // While exhausted: every answer that arrives is a 503, never a 2xx for a write that is then lost.
            using var probe = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(3) };
            var accepted = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                try
                {
                    var r = await probe.PostAsync("/v1/messages", Api.RoomMessage($"during-{i}"));
                    if (r.Status == 202) accepted.Add($"during-{i}");
                    else r.AssertError(503, "service_unavailable");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not accepted at all: the client sees a refused or timed-out connection.
                }
            }
            Assert.False(server.HasExited, server.Output);

            foreach (var s in streams) await s.DisposeAsync();
            streams.Clear();
            await WaitUntilAsync(async () =>
            {
                try
                {
                    return (await probe.GetAnswerAsync("/readyz")).Status == 200;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            });
            Assert.Equal(202, (await server.Client.PostAsync("/v1/messages", Api.RoomMessage("after"))).Status);
            var stored = await server.Client.HistoryAsync("/v1/rooms/r/messages");
            Assert.Equal(["before", .. accepted, "after"], stored);
            Assert.False(server.HasExited, server.Output);
        }
        finally
        {
            foreach (var s in streams) await s.DisposeAsync();
        }
    }

    private static async Task<int> TryStreamAsync(HttpClient http)
    {
        await using var s = await SseClient.ConnectAsync(http);
        return s.Status;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(100);
        }
    }
}
