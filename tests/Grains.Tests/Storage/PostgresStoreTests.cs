using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Moltnet.TestSupport;
using Xunit.Abstractions;
using Moltnet.Grains.Storage;
using Moltnet.Wire;
using static Moltnet.Grains.Tests.Storage.StoreTestData;

namespace Moltnet.Grains.Tests.Storage;

/// <summary>The contract suite against a real PostgreSQL server (a fresh database per test in the run's throwaway
/// cluster), plus PostgreSQL specifics: concurrent migrations, commit-ordered cursors across two replicas, lost
/// connections and a stopped server.</summary>
[Collection(PostgresCollection.Name)]
[RequiresPostgres]
public sealed class PostgresStoreTests(PostgresCluster cluster, ITestOutputHelper output) : StoreContractTests
{
    private string _dsn = "";
    private readonly List<IMoltnetStore> _extra = [];

    protected override IMoltnetStore CreateStore() => new PostgresStore(_dsn);

    public override async Task InitializeAsync()
    {
        if (PostgresCluster.BinDir is null) throw new InvalidOperationException(PostgresCluster.MissingMessage);
        _dsn = await cluster.CreateDatabaseAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        foreach (var store in _extra) await store.DisposeAsync();
        await base.DisposeAsync();
        if (_dsn.Length > 0) await cluster.DropDatabaseAsync(_dsn);
    }

    private PostgresStore Replica()
    {
        var store = new PostgresStore(_dsn);
        _extra.Add(store);
        return store;
    }

    private async Task<T> SqlAsync<T>(string sql)
    {
        await using var c = new NpgsqlConnection(_dsn + ";Pooling=false");
        await c.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, c);
        return (T)(await cmd.ExecuteScalarAsync(Ct))!;
    }

    [PostgresFact]
    public async Task Migrations_are_recorded_once_when_replicas_migrate_concurrently()
    {
        // A fresh database, migrated by eight stores at once.
        await cluster.DropDatabaseAsync(_dsn);
        await Store.DisposeAsync();
        _dsn = await cluster.CreateDatabaseAsync();
        var stores = Enumerable.Range(0, 8).Select(_ => Replica()).ToArray();
        await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(Ct))));
        await Task.WhenAll(stores.Select(s => s.MigrateAsync(Ct)));
        Store = Replica();
        await Store.MigrateAsync(Ct);

        Assert.Equal(7L, await SqlAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal("1,2,3,4,5,6,7", await SqlAsync<string>("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations"));
        Assert.Equal(1L, await SqlAsync<long>("SELECT count(*) FROM event_counter"));
        Assert.Equal(1, await stores[3].WriteRoomAsync(new RoomState(Room("r1")), 0, [Event(EventTypes.RoomCreated)], Ct));
        Assert.NotNull(await stores[5].ReadRoomAsync("r1", Ct));
        Assert.True(await stores[7].PingAsync(Ct));
    }

    [PostgresFact]
    public async Task Cursors_are_commit_ordered_across_two_replicas_with_sixteen_writers()
    {
        var replicas = new[] { Replica(), Replica() };
        var sinks = new[] { new RecordingSink(), new RecordingSink() };
        for (var i = 0; i < 2; i++)
        {
            await replicas[i].MigrateAsync(Ct);
            replicas[i].Sink = sinks[i];
        }
        const int writers = 16, perWriter = 60;
        var done = 0;
        var seen = new List<StoredEvent>();
        var reader = Task.Run(async () =>
        {
            // Polls the log like a fan-out listener: strictly increasing, no gaps, nothing skipped.
            var after = 0L;
            while (true)
            {
                var finished = Volatile.Read(ref done) == writers;
                var page = await replicas[0].ReadEventsAfterAsync(after, 100, Ct);
                foreach (var e in page)
                {
                    Assert.Equal(after + 1, e.Cursor);
                    after = e.Cursor;
                    seen.Add(e);
                }
                if (page.Count == 0)
                {
                    if (finished) return;
                    await Task.Delay(1, Ct);
                }
            }
        }, Ct);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var store = replicas[w % 2];
            for (var i = 0; i < perWriter; i++)
            {
                var target = (i % 3) switch
                {
                    0 => RoomTarget($"room{i % 2}"),
                    1 => ThreadTarget("room0", $"thread{w}"),
                    _ => DmTarget($"dm{w}", $"w{w}", "observer"),
                };
                var message = Message($"w{w}-{i}", target, T0.AddTicks(i), from: $"w{w}");
                var thread = target.Kind == TargetKind.Thread ? NextThread(message, await store.ReadThreadAsync(target.ThreadId!, Ct)) : null;
                var dm = target.Kind == TargetKind.Dm ? NextDm(message, await store.ReadDmAsync(target.DmId!, Ct)) : null;
                Assert.Equal(AppendOutcome.Stored, await store.AppendMessageAsync(Write(message, thread, dm), Ct));
                if (i % 20 == 0) await store.AppendEventsAsync([Event("writer.tick")], Ct);
            }
            Interlocked.Increment(ref done);
        }, Ct)));
        await reader;

        var expected = writers * perWriter + writers * (perWriter / 20) + writers * 2;
        Assert.Equal(expected, seen.Count);
        Assert.Equal(Enumerable.Range(1, expected).Select(i => (long)i), seen.Select(e => e.Cursor));
        // Each replica's sink saw exactly its own commits, in cursor order; together they are the whole log.
        foreach (var sink in sinks)
        {
            var cursors = sink.Events.Select(e => e.Cursor).ToList();
            Assert.Equal(cursors.Order(), cursors);
        }
        Assert.Equal(seen.Select(e => e.Event.Id).Order(StringComparer.Ordinal),
            sinks.SelectMany(s => s.Events).Select(e => e.Event.Id).Order(StringComparer.Ordinal));
        // History order is the order of message.created cursors.
        for (var w = 0; w < writers; w++)
        {
            var fromLog = seen.Where(e => e.Event.Message?.Target.ThreadId == $"thread{w}").Select(e => e.Event.Message!.Id).ToList();
            Assert.Equal(fromLog, await AllMessageIdsAsync(MessageScope.Thread($"thread{w}")));
        }
    }

    [PostgresFact]
    public async Task Duplicate_message_on_two_replicas_stores_once()
    {
        var other = Replica();
        var message = Message("m1", RoomTarget("r1"));
        var results = await Task.WhenAll(
            Task.Run(() => Store.AppendMessageAsync(Write(message), Ct)),
            Task.Run(() => other.AppendMessageAsync(Write(message), Ct)));
        Assert.Equal([AppendOutcome.Stored, AppendOutcome.Duplicate], results.Order()); // Stored sorts first (enum order)
        Assert.Equal(["m1"], await AllMessageIdsAsync(MessageScope.Room("r1")));
    }

    [PostgresFact]
    public async Task Terminated_connections_are_replaced()
    {
        await Store.WriteRoomAsync(new RoomState(Room("r1")), 0, [Event(EventTypes.RoomCreated)], Ct);
        await cluster.ExecuteAsync(
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{new NpgsqlConnectionStringBuilder(_dsn).Database}'");

        // The next write succeeds on a fresh connection (the batch is retried once), or answers 503 and the one after works.
        try
        {
            Assert.Equal(2, await Store.WriteRoomAsync(new RoomState(Room("r1", "alpha")), 1, [], Ct));
        }
        catch (StoreUnavailableException)
        {
            Assert.Equal(2, await Store.WriteRoomAsync(new RoomState(Room("r1", "alpha")), 1, [], Ct));
        }
        Assert.Equal(["alpha"], (await Store.ReadRoomAsync("r1", Ct))!.Value.Room.Members!);
        Assert.True(await Store.PingAsync(Ct));
        Assert.Equal(AppendOutcome.Stored, await PostAsync(Message("m1", RoomTarget("r1"))));
    }

    [PostgresFact]
    public async Task Stopped_server_answers_unavailable_and_the_store_recovers_when_it_is_back()
    {
        await Store.WriteRoomAsync(new RoomState(Room("r1")), 0, [], Ct);
        await cluster.StopAsync();
        try
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.WriteRoomAsync(new RoomState(Room("r2")), 0, [Event("x")], Ct));
            await Assert.ThrowsAsync<StoreUnavailableException>(() => PostAsync(Message("m1", RoomTarget("r1"))));
            await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.AppendEventsAsync([Event("y")], Ct));
            await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.ReadRoomAsync("r1", Ct));
            Assert.False(await Store.PingAsync(Ct));
        }
        finally
        {
            await cluster.StartAsync();
        }
        Assert.True(await Store.PingAsync(Ct));
        Assert.Equal(1, await Store.WriteRoomAsync(new RoomState(Room("r2")), 0, [], Ct));
        Assert.Equal(AppendOutcome.Stored, await PostAsync(Message("m1", RoomTarget("r1"))));
        Assert.DoesNotContain(Sink.Events, e => e.Event.Type is "x" or "y");
    }

    [PostgresFact]
    public async Task Commits_are_announced_with_notify()
    {
        await using var listener = new NpgsqlConnection(_dsn + ";Pooling=false");
        await listener.OpenAsync(Ct);
        var payloads = new ConcurrentQueue<string>();
        listener.Notification += (_, n) => payloads.Enqueue(n.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresStore.NotifyChannel}", listener)) await listen.ExecuteNonQueryAsync(Ct);

        var stored = await Store.AppendEventsAsync([Event("a"), Event("b")], Ct);
        var deadline = Stopwatch.StartNew();
        while (payloads.IsEmpty && deadline.Elapsed < TimeSpan.FromSeconds(10)) await listener.WaitAsync(TimeSpan.FromMilliseconds(200), Ct);
        Assert.Equal(stored[^1].Cursor.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(payloads));
    }

    [PostgresFact]
    public async Task Append_throughput_with_32_writers()
    {
        const int writers = 32, perWriter = 150;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
                Assert.Equal(AppendOutcome.Stored, await Store.AppendMessageAsync(Write(Message($"w{w}-{i}", RoomTarget($"room{w % 4}"))), Ct));
        }, Ct)));
        sw.Stop();
        var rate = writers * perWriter / sw.Elapsed.TotalSeconds;
        output.WriteLine($"AppendMessage on PostgreSQL: {writers} writers, {writers * perWriter} messages in {sw.ElapsedMilliseconds} ms = {rate:F0} msg/s");
        Assert.Equal(writers * perWriter, (await Store.ReadEventsAfterAsync(0, 10_000, Ct)).Count);
    }
}
