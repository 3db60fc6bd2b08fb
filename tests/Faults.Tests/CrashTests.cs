using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 1: SIGKILL of a real server under a paced load of 1,000 messages/s (rooms, new threads, new DMs). After a
/// restart every message answered with 2xx is stored, and no thread or DM is half-created (each one's counter equals its
/// history and is at least one).</summary>
[Collection(PostgresCollection.Name)]
public sealed class CrashTests(PostgresCluster pg) : IDisposable
{
    private const int Rate = 1000;
    private static readonly int AckedBeforeKill = FaultMode.Pick(1500, 20_000);
    private static readonly TimeSpan KillAfterAtMost = TimeSpan.FromSeconds(FaultMode.Pick(5, 60));
    private const int AckedAtLeast = 100;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public Task Sigkill_at_1000_messages_per_second_on_sqlite_loses_no_acknowledged_message() => RunAsync(null);

    [PostgresFact]
    public async Task Sigkill_at_1000_messages_per_second_on_postgres_loses_no_acknowledged_message()
    {
        var dsn = await pg.CreateDatabaseAsync();
        try
        {
            await RunAsync(new Dictionary<string, string?> { ["MOLTNET_POSTGRES_DSN"] = dsn });
        }
        finally
        {
            await pg.DropDatabaseAsync(dsn);
        }
    }

    private async Task RunAsync(IReadOnlyDictionary<string, string?>? env)
    {
        PacedLoad load;
        var clock = Stopwatch.StartNew();
        await using (var server = await ServerProcess.StartAsync(_dir.Path, env))
        {
            await server.Client.CreateRoomAsync("r", "a");
            load = new PacedLoad(server.Client, Rate, i => (Id(i), Body(i)));
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(stop.Token);
            clock.Restart();
            // Kill after the target count, or after the time cap on a machine too busy to take 1,000/s.
            while ((load.Acked.Count < AckedBeforeKill && clock.Elapsed < KillAfterAtMost || load.Acked.Count < AckedAtLeast) && !running.IsCompleted)
                await Task.Delay(5);
            await server.KillAsync();
            var elapsed = clock.Elapsed;
            await stop.CancelAsync();
            await running;
            Console.WriteLine($"crash: {load.Acked.Count} acked in {elapsed.TotalSeconds:F1} s ({load.Acked.Count / elapsed.TotalSeconds:F0}/s), "
                + $"{load.Failed} cut off by the kill, {load.Refused.Count} refused");
        }
        Assert.Empty(load.Refused);
        Assert.True(load.Acked.Count >= AckedAtLeast);

        await using var again = await ServerProcess.StartAsync(_dir.Path, env);
        var stored = new HashSet<string>(await again.Client.HistoryAsync("/v1/rooms/r/messages"));
        var threads = await again.Client.GetFromJsonAsync<JsonNode>("/v1/rooms/r/threads?limit=500");
        await CheckConversationsAsync(again.Client, threads!["threads"]!.AsArray(), "threads", stored);
        var dms = await again.Client.GetFromJsonAsync<JsonNode>("/v1/dms?limit=500");
        await CheckConversationsAsync(again.Client, dms!["dms"]!.AsArray(), "dms", stored);
        var lost = load.Acked.Where(id => !stored.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged messages lost, e.g. {string.Join(", ", lost.Take(5))}");
    }

    /// <summary>Every listed thread/DM has as many messages as its counter says, and at least one.</summary>
    private static async Task CheckConversationsAsync(HttpClient http, JsonArray list, string kind, HashSet<string> into)
    {
        Assert.True(list.Count < 500 || FaultMode.Long, "page the list");
        foreach (var c in list)
        {
            var id = (string)c!["id"]!;
            var history = await http.HistoryAsync($"/v1/{kind}/{id}/messages");
            Assert.True(history.Count >= 1, $"{kind} {id} has no message");
            Assert.Equal((int)c["message_count"]!, history.Count);
            into.UnionWith(history);
        }
    }

    private static string Id(long i) => $"k{i}";

    /// <summary>Nine in ten go to the room; the rest open a new thread or a new DM, alternately.</summary>
    private static string Body(long i) => (i % 20) switch
    {
        7 => $$"""{"id":"{{Id(i)}}","target":{"kind":"thread","thread_id":"t{{i}}","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"x"}]}""",
        17 => $$"""{"id":"{{Id(i)}}","target":{"kind":"dm","dm_id":"d{{i}}","participant_ids":["a","b"]},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"x"}]}""",
        _ => Api.RoomMessage(Id(i)),
    };
}
