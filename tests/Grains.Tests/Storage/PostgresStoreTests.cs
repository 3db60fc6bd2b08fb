using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
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

        Assert.Equal(PostgresMigrations.All.Count, await SqlAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(string.Join(",", PostgresMigrations.All.Select(m => m.Version)), await SqlAsync<string>("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations"));
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
    public async Task Message_id_lookups_still_use_the_primary_key_after_a_small_table_grew()
    {
        // Statistics that say "tiny" (a new database), and autovacuum kept from refreshing them during the test.
        var store = (PostgresStore)Store;
        await SqlAsync<int>("ALTER TABLE messages SET (autovacuum_enabled = false); ANALYZE messages; SELECT 1");
        string[] keys = [.. Enumerable.Range(0, 32).Select(i => $"absent-{i}")];
        // Enough runs for PostgreSQL to settle on a generic plan of the prepared lookup: a sequential scan, on that table.
        for (var i = 0; i < 10; i++) Assert.Empty(await store.StoredMessageIdsAsync(keys, Ct));
        var before = await ScansAsync(m => m.Total >= 10);
        await SqlAsync<int>("""
            INSERT INTO messages (id, network_id, target_kind, room_id, target_json, from_json, parts_json, created_at, seq)
            SELECT 'bulk-' || g, 'local', 'room', 'r1', '{}', '{}', '[]', '2026-01-01T00:00:00.0000000Z', g FROM generate_series(1, 20000) g;
            SELECT 1
            """);
        for (var i = 0; i < 5; i++) Assert.Equal(["bulk-7"], await store.StoredMessageIdsAsync([.. keys, "bulk-7"], Ct));
        var after = await ScansAsync(m => m.Total >= before.Total + 5);
        Assert.Equal(before.Seq, after.Seq); // every lookup on the grown table went through the index

        async Task<(long Seq, long Total)> ScansAsync(Func<(long Seq, long Total), bool> flushed)
        {
            // Backends publish their table counters within about a second of going idle.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var seq = await SqlAsync<long>("SELECT coalesce(seq_scan, 0) FROM pg_stat_user_tables WHERE relname = 'messages'");
                var index = await SqlAsync<long>("SELECT coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = 'messages'");
                if (flushed((seq, seq + index)) || DateTime.UtcNow > deadline) return (seq, seq + index);
                await Task.Delay(100, Ct);
            }
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
    public async Task A_duplicate_refused_at_commit_fails_only_its_own_request_in_the_batch()
    {
        // Hold the cursor counter so the writer's first batch waits at its commit step; queue four appends behind it
        // (they become the next batch); insert "x" from another transaction without committing, so the batch's commit
        // step waits on that row (the writer reads for no duplicate: the conversation grain checks before it appends);
        // commit it: the unique index refuses the batch's "x" at commit, and the batch must be retried request by request.
        await using var counter = await OpenTransactionAsync("SELECT value FROM event_counter WHERE id = 1 FOR UPDATE");
        var first = Store.AppendMessageAsync(Write(Message("m0", RoomTarget("r1"))), Ct);
        await WaitForLockWaitersAsync(1);
        var batch = new[] { "a", "b", "x", "c" }.Select(id => Store.AppendMessageAsync(Write(Message(id, RoomTarget("r1"))), Ct)).ToArray();
        await using var rival = await OpenTransactionAsync(
            "INSERT INTO messages (id, network_id, target_kind, room_id, target_json, from_json, parts_json, created_at, origin_json, seq) " +
            "VALUES ('x', 'local', 'room', 'r1', '{}', '{}', '[]', '2026-01-01T00:00:00.000Z', '{}', -1)");
        await counter.Transaction.CommitAsync(Ct);
        Assert.Equal(AppendOutcome.Stored, await first);
        await WaitForLockWaitersAsync(1); // the batch's commit step waits on the rival's "x"
        await rival.Transaction.CommitAsync(Ct);

        var outcomes = await Task.WhenAll(batch);
        Assert.Equal([AppendOutcome.Stored, AppendOutcome.Stored, AppendOutcome.Duplicate, AppendOutcome.Stored], outcomes);
        var log = await Store.ReadEventsAfterAsync(0, 100, Ct);
        Assert.Equal(["m0", "a", "b", "c"], log.Select(e => e.Event.Message!.Id));
        Assert.Equal(Enumerable.Range(1, 4).Select(i => (long)i), log.Select(e => e.Cursor)); // gap-free: the refused batch left no cursor behind
    }

    [PostgresFact]
    public async Task A_batch_of_messages_is_stored_row_for_row_with_each_seq_at_its_event_cursor()
    {
        // The first append waits at its commit step on the held counter; the writes queued behind it commit as one batch,
        // whose message rows go in as one statement from arrays.
        await using var counter = await OpenTransactionAsync("SELECT value FROM event_counter WHERE id = 1 FOR UPDATE");
        var first = Store.AppendMessageAsync(Write(Message("m0", RoomTarget("r1"))), Ct);
        await WaitForLockWaitersAsync(1);
        var plain = Message("m1", RoomTarget("r1")) with { Mentions = null };
        var withArtifacts = Message("m2", RoomTarget("r2"), T0.AddSeconds(1));
        var inThread = Message("m3", ThreadTarget("r1", "t1"), T0.AddSeconds(2));
        var writes = new[]
        {
            Write(plain),
            Write(withArtifacts, artifacts: Artifacts(withArtifacts, 1)),
            Write(inThread, NextThread(inThread, null)),
            Write(Message("m4", RoomTarget("r1"), T0.AddSeconds(3))),
        };
        var batch = writes.Select(w => Store.AppendMessageAsync(w, Ct)).ToArray();
        await Task.Delay(200, Ct); // let the writer queue them all behind the waiting batch
        await counter.Transaction.CommitAsync(Ct);
        Assert.Equal(AppendOutcome.Stored, await first);
        Assert.All(await Task.WhenAll(batch), o => Assert.Equal(AppendOutcome.Stored, o));

        Assert.Equal(1L, await SqlAsync<long>("SELECT count(DISTINCT xmin::text) FROM messages WHERE id <> 'm0'")); // one batch
        var log = await Store.ReadEventsAfterAsync(0, 100, Ct);
        var created = log.Where(e => e.Logged.Type == EventTypes.MessageCreated).ToDictionary(e => e.Event.Message!.Id, e => e.Cursor);
        await using (var c = new NpgsqlConnection(_dsn + ";Pooling=false"))
        {
            await c.OpenAsync(Ct);
            await using var cmd = new NpgsqlCommand("SELECT id, seq, mentions_json IS NULL FROM messages ORDER BY seq", c);
            await using var rows = await cmd.ExecuteReaderAsync(Ct);
            var stored = new List<(string, long, bool)>();
            while (await rows.ReadAsync(Ct)) stored.Add((rows.GetString(0), rows.GetInt64(1), rows.GetBoolean(2)));
            Assert.Equal(["m0", "m1", "m2", "m3", "m4"], stored.Select(r => r.Item1));
            Assert.All(stored, r => Assert.Equal(created[r.Item1], r.Item2));
            Assert.Equal([false, true, false, false, false], stored.Select(r => r.Item3));
        }
        foreach (var m in new[] { plain, withArtifacts })
        {
            var page = await Store.ListMessagesAsync(MessageScope.Room(m.Target.RoomId!), new PageRequest(), Ct);
            Assert.Equal(MoltnetJson.Serialize(m), MoltnetJson.Serialize(page.Items.Single(x => x.Id == m.Id)));
        }
        Assert.Equal(["m3"], await AllMessageIdsAsync(MessageScope.Thread("t1")));
        Assert.Equal(["m2"], (await Store.ListArtifactsAsync(MessageScope.Room("r2"), new PageRequest(), Ct)).Items.Select(a => a.MessageId));
    }

    private sealed record OpenTransaction(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    private async Task<OpenTransaction> OpenTransactionAsync(string sql)
    {
        var c = new NpgsqlConnection(_dsn + ";Pooling=false");
        await c.OpenAsync(Ct);
        var tx = await c.BeginTransactionAsync(Ct);
        await using (var cmd = new NpgsqlCommand(sql, c, tx)) await cmd.ExecuteNonQueryAsync(Ct);
        return new OpenTransaction(c, tx);
    }

    private async Task WaitForLockWaitersAsync(long count)
    {
        var deadline = Stopwatch.StartNew();
        while (await SqlAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") < count)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"no writer waited on a lock within 30 s");
            await Task.Delay(20, Ct);
        }
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
    public async Task A_batch_frees_the_counter_before_its_flush_and_is_answered_and_announced_only_after_it()
    {
        await Store.AppendEventsAsync([Event("first")], Ct);
        var writer = await SqlAsync<int>("SELECT backend_pid FROM write_flushes"); // the writer's flush row, after its first batch
        await using var listener = new NpgsqlConnection(_dsn + ";Pooling=false");
        await listener.OpenAsync(Ct);
        var payloads = new ConcurrentQueue<string>();
        listener.Notification += (_, n) => payloads.Enqueue(n.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresStore.NotifyChannel}", listener)) await listen.ExecuteNonQueryAsync(Ct);

        long held;
        Task<IReadOnlyList<StoredEvent>> pending;
        await using (await OpenTransactionAsync($"SELECT 1 FROM write_flushes WHERE backend_pid = {writer} FOR UPDATE"))
        {
            pending = Store.AppendEventsAsync([Event("held")], Ct);
            await WaitForLockWaitersAsync(1); // its flush waits for the row
            held = await SqlAsync<long>("SELECT cursor FROM events WHERE type = 'held'"); // committed, visible
            Assert.False(pending.IsCompleted);
            Assert.DoesNotContain(Sink.Events, e => e.Event.Type == "held");

            // The counter row is free: another replica commits, flushes and announces meanwhile.
            var other = await Replica().AppendEventsAsync([Event("other")], Ct);
            Assert.Equal(held + 1, other[0].Cursor);
            await WaitForPayloadAsync(listener, payloads, 1);
            Assert.Equal([other[0].Cursor.ToString(CultureInfo.InvariantCulture)], payloads);
            Assert.False(pending.IsCompleted);
        }

        Assert.Equal(held, Assert.Single(await pending).Cursor);
        Assert.Contains(Sink.Events, e => e.Event.Type == "held");
        await WaitForPayloadAsync(listener, payloads, 2);
        Assert.Equal(held.ToString(CultureInfo.InvariantCulture), payloads.Last());
        Assert.Equal(held, await SqlAsync<long>($"SELECT cursor FROM write_flushes WHERE backend_pid = {writer}"));
    }

    [PostgresFact]
    public async Task The_durable_cursor_of_a_store_that_did_not_write_comes_from_a_flush_of_its_own()
    {
        var stored = await Replica().AppendEventsAsync([Event("a"), Event("b")], Ct);
        Assert.Equal(stored[^1].Cursor, await Store.DurableEventCursorAsync(Ct));
        Assert.Equal(2, await SqlAsync<long>("SELECT count(*) FROM write_flushes"));
        Assert.Equal(stored[^1].Cursor, await Store.DurableEventCursorAsync(Ct)); // known now: no second flush
    }

    private static async Task WaitForPayloadAsync(NpgsqlConnection listener, ConcurrentQueue<string> payloads, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (payloads.Count < count && deadline.Elapsed < TimeSpan.FromSeconds(10)) await listener.WaitAsync(TimeSpan.FromMilliseconds(100));
        Assert.Equal(count, payloads.Count);
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
