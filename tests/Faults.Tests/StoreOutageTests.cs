using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 7: the store goes away under a running server (PostgreSQL stopped, SQLite on a full filesystem, SQLite
/// read-only). Writes answer 503, never 2xx; <c>/readyz</c> answers 503; open event streams stay up; when the store
/// returns the same process serves writes again, and they reach the open streams.</summary>
public sealed class StoreOutageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [PostgresFact]
    public async Task Postgres_stopped_then_started_again()
    {
        var pg = new PostgresCluster(); // the test's own cluster: it is stopped mid-test
        await pg.InitializeAsync();
        try
        {
            var dsn = await pg.CreateDatabaseAsync();
            await using var server = await ServerProcess.StartAsync(_dir.Path, new Dictionary<string, string?> { ["MOLTNET_POSTGRES_DSN"] = dsn });
            await OutageAsync(server, pg.StopAsync, pg.StartAsync);
        }
        finally
        {
            await pg.DisposeAsync();
        }
    }

    [MountFact]
    public async Task Sqlite_on_a_full_filesystem_then_space_freed()
    {
        using var tmpfs = Mount.Tmpfs(16);
        await using var server = await ServerProcess.StartAsync(_dir.Path,
            new Dictionary<string, string?> { ["MOLTNET_SQLITE_PATH"] = Path.Combine(tmpfs.Path, "moltnet.db") });
        var filler = Path.Combine(tmpfs.Path, "filler");
        await OutageAsync(server,
            () => Task.Run(() => Fill(filler)),
            () => Task.Run(() => File.Delete(filler)),
            bigWrites: true);
    }

    [MountFact]
    public async Task Sqlite_read_only_then_writable_again()
    {
        // A mount cannot turn read-only while the server holds the database open for writing (EBUSY), so the server
        // starts on a database that is already read-only (e.g. a volume mounted ro by mistake) and the mount is made
        // writable under it.
        var data = Directory.CreateDirectory(_dir.Combine("data")).FullName;
        var env = new Dictionary<string, string?> { ["MOLTNET_SQLITE_PATH"] = Path.Combine(data, "moltnet.db") };
        await using (var first = await ServerProcess.StartAsync(_dir.Path, env))
        {
            await first.Client.CreateRoomAsync("r", "a");
            Assert.Equal(202, (await first.Client.PostAsync("/v1/messages", Api.RoomMessage("before"))).Status);
            Assert.Equal(0, await first.TerminateAsync());
        }
        using var bind = Mount.Bind(data);
        bind.Remount(readOnly: true);
        env["MOLTNET_SQLITE_PATH"] = Path.Combine(bind.Path, "moltnet.db");
        await using var server = await ServerProcess.StartAsync(_dir.Path, env, requireHealthy: false);
        (await server.Client.GetAnswerAsync("/healthz")).AssertError(503, "service_unavailable", "service unavailable");
        await OutageAsync(server, () => Task.CompletedTask, () => Task.Run(() => bind.Remount(readOnly: false)), alreadyBroken: true);
    }

    private static async Task OutageAsync(ServerProcess server, Func<Task> breakStore, Func<Task> restoreStore, bool bigWrites = false,
        bool alreadyBroken = false)
    {
        var http = server.Client;
        await using var sse = await SseClient.ConnectAsync(http);
        if (!alreadyBroken)
        {
            await http.CreateRoomAsync("r", "a");
            Assert.Equal(202, (await http.PostAsync("/v1/messages", Api.RoomMessage("before"))).Status);
        }
        var text = bigWrites ? new string('x', 64 * 1024) : "x";
        var accepted = new List<string> { "before" };
        var refused = new List<string>();

        await breakStore();
        // A write racing the break may still commit; from the first refusal on every write must be refused.
        for (var i = 0; refused.Count < 5; i++)
        {
            var id = $"during-{i}";
            var r = await http.PostAsync("/v1/messages", Api.RoomMessage(id, text: text));
            if (refused.Count == 0 && r.Status == 202 && i < 100)
            {
                accepted.Add(id);
                continue;
            }
            r.AssertError(503, "service_unavailable", "service unavailable");
            refused.Add(id);
        }
        (await http.GetAnswerAsync("/readyz")).AssertError(503, "service_unavailable", "service unavailable");
        Assert.False(sse.Ended.IsCompleted, "the event stream ended during the outage");
        Assert.False(server.HasExited, server.Output);

        await restoreStore();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string? recovered = null;
        for (var i = 0; recovered is null; i++)
        {
            Assert.True(DateTime.UtcNow < deadline, "no recovery within 60 s:\n" + server.Output);
            var id = $"after-{i}";
            var r = await http.PostAsync("/v1/messages", Api.RoomMessage(id));
            if (r.Status == 202) recovered = id;
            else
            {
                r.AssertError(503, "service_unavailable");
                refused.Add(id);
                await Task.Delay(200); // the store is coming back: poll
            }
        }
        accepted.Add(recovered);
        Assert.Equal(200, (await http.GetAnswerAsync("/readyz")).Status);

        var streamed = alreadyBroken ? accepted.Skip(1).ToList() : accepted; // "before" was written by an earlier process
        var seen = await sse.CollectAsync(streamed.Count, e => e.Event == "message.created", TimeSpan.FromSeconds(30));
        Assert.Equal(streamed, seen.Select(e => Api.MessageId(e.Data!)));
        var stored = await http.HistoryAsync("/v1/rooms/r/messages");
        Assert.Equal(accepted, stored);
        Assert.Empty(refused.Intersect(stored));
    }

    private static void Fill(string path)
    {
        var chunk = new byte[256 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        try
        {
            while (true) file.Write(chunk);
        }
        catch (IOException)
        {
            // ENOSPC: the filesystem is full.
        }
        try
        {
            file.Dispose();
        }
        catch (IOException)
        {
        }
    }
}
