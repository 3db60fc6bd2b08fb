using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests;

/// <summary>The real <c>moltnet start</c> process on its default SQLite store: restarts, SIGKILL, SIGTERM.</summary>
public sealed class ServerLifecycleTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_room_created_through_the_api_survives_a_restart()
    {
        await using (var server = await ServerProcess.StartAsync(Dir))
        {
            var created = await server.Client.PostAsync("/v1/rooms", Json("""{"id":"research","members":["alpha"]}"""));
            Assert.Equal(201, (int)created.StatusCode);
            Assert.Equal(0, await server.TerminateAsync());
        }
        Assert.True(File.Exists(Path.Combine(Dir, ".moltnet", "moltnet.db")));
        await using var again = await ServerProcess.StartAsync(Dir);
        var room = await again.Client.GetFromJsonAsync<JsonNode>("/v1/rooms/research");
        Assert.Equal("""["alpha"]""", room!["members"]!.ToJsonString());
    }

    [Fact]
    public async Task Every_acknowledged_message_survives_sigkill_during_a_write_burst()
    {
        var acked = new ConcurrentBag<string>();
        await using (var server = await ServerProcess.StartAsync(Dir))
        {
            await server.Client.PostAsync("/v1/rooms", Json("""{"id":"r","members":["a"]}"""));
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var id = $"w{w}-{i}";
                    var target = i % 3 == 0
                        ? $$"""{"kind":"thread","thread_id":"t{{w}}-{{i}}","room_id":"r"}"""
                        : i % 3 == 1 ? $$"""{"kind":"dm","dm_id":"d{{w}}-{{i}}","participant_ids":["a","b{{w}}"]}""" : """{"kind":"room","room_id":"r"}""";
                    try
                    {
                        using var res = await server.Client.PostAsync("/v1/messages",
                            Json($$"""{"id":"{{id}}","target":{{target}},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"x"}]}"""));
                        if ((int)res.StatusCode == 202) acked.Add(id);
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                }
            })).ToArray();
            while (acked.Count < 300) await Task.Delay(10);
            await server.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
        await using var again = await ServerProcess.StartAsync(Dir);
        var stored = new HashSet<string>();
        await Collect(again.Client, "/v1/rooms/r/messages", stored);
        var threads = await again.Client.GetFromJsonAsync<JsonNode>("/v1/rooms/r/threads?limit=500");
        foreach (var t in threads!["threads"]!.AsArray())
        {
            var count = await Collect(again.Client, $"/v1/threads/{(string)t!["id"]!}/messages", stored);
            Assert.Equal((int)t["message_count"]!, count); // no half-created thread
        }
        var dms = await again.Client.GetFromJsonAsync<JsonNode>("/v1/dms?limit=500");
        foreach (var d in dms!["dms"]!.AsArray())
        {
            var count = await Collect(again.Client, $"/v1/dms/{(string)d!["id"]!}/messages", stored);
            Assert.Equal((int)d["message_count"]!, count);
        }
        Assert.True(acked.Count >= 300);
        Assert.All(acked, id => Assert.Contains(id, stored));
    }

    private static async Task<int> Collect(HttpClient client, string path, HashSet<string> into)
    {
        var n = 0;
        string? before = null;
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonNode>($"{path}?limit=500{(before is null ? "" : $"&before={before}")}");
            foreach (var m in page!["messages"]!.AsArray())
            {
                into.Add((string)m!["id"]!);
                n++;
            }
            if (!(bool)page["page"]!["has_more"]!) return n;
            before = (string)page["page"]!["next_before"]!;
        }
    }

    [Fact]
    public async Task Sse_resumes_by_last_event_id_across_a_restart()
    {
        string lastSeen;
        await using (var server = await ServerProcess.StartAsync(Dir))
        {
            await server.Client.PostAsync("/v1/rooms", Json("""{"id":"r","members":["a"]}"""));
            await using var sse = await SseClient.ConnectAsync(server.Client);
            for (var i = 0; i < 3; i++)
                await server.Client.PostAsync("/v1/messages", Json($$"""{"id":"before-{{i}}","target":{"kind":"room","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"x"}]}"""));
            var frames = await sse.CollectAsync(3, f => f.Event == "message.created");
            lastSeen = frames[1].Id!; // pretend the client saw only two of them
            Assert.Equal(0, await server.TerminateAsync());
        }
        await using var again = await ServerProcess.StartAsync(Dir);
        await again.Client.PostAsync("/v1/messages", Json("""{"id":"after-0","target":{"kind":"room","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"x"}]}"""));
        await using var resumed = await SseClient.ConnectAsync(again.Client, lastEventId: lastSeen);
        var replay = await resumed.CollectAsync(2);
        Assert.Equal(["before-2", "after-0"], replay.Select(f => (string)JsonNode.Parse(f.Data!)!["message"]!["id"]!).ToArray());
    }

    [Fact]
    public async Task Sigterm_drains_an_in_flight_request_before_exit()
    {
        await using var server = await ServerProcess.StartAsync(Dir);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Port);
        var stream = tcp.GetStream();
        var body = """{"id":"drained","name":"Drained"}"""u8.ToArray();
        var head = $"POST /v1/rooms HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body.AsMemory(0, 10));
        await stream.FlushAsync();
        await Task.Delay(300); // the request is now being read by the server
        var exit = server.TerminateAsync();
        await Task.Delay(300);
        await stream.WriteAsync(body.AsMemory(10));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        Assert.StartsWith("HTTP/1.1 201", Encoding.ASCII.GetString(buffer, 0, read));
        Assert.Equal(0, await exit);
        await using var again = await ServerProcess.StartAsync(Dir);
        Assert.Equal(200, (int)(await again.Client.GetAsync("/v1/rooms/drained")).StatusCode);
    }

    [Fact]
    public async Task Sigterm_ends_open_event_streams_at_once_instead_of_waiting_out_the_shutdown_timeout()
    {
        await using var server = await ServerProcess.StartAsync(Dir);
        await using var sse = await SseClient.ConnectAsync(server.Client);
        Assert.Equal(200, sse.Status);
        Assert.Equal("no", sse.Header("X-Accel-Buffering"));
        Assert.Equal("stream-open", (await sse.NextFrameAsync()).Comment);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, await server.TerminateAsync());
        // The server's shutdown timeout is 10 s; a stream that held shutdown would take all of it.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(8), $"exit took {stopwatch.Elapsed}");
        await sse.Ended.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
