using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using Moltnet.Grains.Storage;
using Moltnet.Wire;
using static Moltnet.Grains.Tests.Storage.StoreTestData;

namespace Moltnet.Grains.Tests.Storage;

/// <summary>The contract suite against SQLite (a database file in a temp directory per test), plus SQLite specifics:
/// reopen, migrations table, durability of returned writes, read-only files.</summary>
public sealed class SqliteStoreTests(ITestOutputHelper output) : StoreContractTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "moltnet-sqlite-" + Guid.NewGuid().ToString("N"));

    private string DbPath => Path.Combine(_root, "data", "moltnet.db");

    protected override IMoltnetStore CreateStore() => new SqliteStore(DbPath);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private async Task<IMoltnetStore> ReopenAsync(string? path = null)
    {
        await Store.DisposeAsync();
        Store = new SqliteStore(path ?? DbPath);
        await Store.MigrateAsync(Ct);
        Store.Sink = Sink;
        return Store;
    }

    [Fact]
    public void Directory_is_created_private()
    {
        if (OperatingSystem.IsWindows()) return;
        var mode = File.GetUnixFileMode(Path.GetDirectoryName(DbPath)!);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, mode);
    }

    [Fact]
    public async Task Migrations_are_recorded_once_across_reopens()
    {
        await ReopenAsync();
        await Store.MigrateAsync(Ct);
        await ReopenAsync();

        await using var c = new SqliteConnection($"Data Source={DbPath};Mode=ReadOnly;Pooling=False");
        await c.OpenAsync(Ct);
        var rows = SqliteSetup.Query(c, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version",
            r => (r.GetInt64(0), r.GetString(1), r.GetString(2)));
        Assert.Equal([(1L, "initial_schema"), (2L, "event_log"), (3L, "grain_state"), (4L, "pairings"), (6L, "remote_nodes")], rows.Select(r => (r.Item1, r.Item2)));
        Assert.All(rows, r => StoreTime.Parse(r.Item3));
        Assert.Equal("wal", SqliteSetup.Scalar(c, "PRAGMA journal_mode"));
        var tables = SqliteSetup.Query(c, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", r => r.GetString(0));
        Assert.Subset(tables.ToHashSet(), new HashSet<string> { "rooms", "room_members", "threads", "messages", "dm_conversations",
            "dm_participants", "artifacts", "agents", "events", "grain_state", "pairing_status", "pairing_outbox", "schema_migrations" });
    }

    [Fact]
    public async Task Data_survives_dispose_and_reopen()
    {
        await Store.WriteRoomAsync(new RoomState(Room("r1", "alpha")), 0, [Event(EventTypes.RoomCreated)], Ct);
        await Store.WriteAgentAsync("alpha", Agent("alpha", "k"), 0, [], Ct);
        var message = Message("m1", ThreadTarget("r1", "t1"));
        await PostAsync(message, Artifacts(message, 1));
        await Store.WriteGrainStateAsync("g", "k", "{}", 0, Ct);
        var before = await Store.ReadEventsAfterAsync(0, 100, Ct);

        await ReopenAsync();
        Assert.Equal(["alpha"], (await Store.ReadRoomAsync("r1", Ct))!.Value.Room.Members!);
        Assert.Equal("alpha", (await Store.FindAgentByCredentialAsync("k", Ct))?.AgentId);
        AssertSameMessage(message, Assert.Single((await Store.ListMessagesAsync(MessageScope.Thread("t1"), new PageRequest(), Ct)).Items));
        Assert.Single((await Store.ListArtifactsAsync(MessageScope.Room("r1"), new PageRequest(), Ct)).Items);
        Assert.Equal(1, (await Store.ReadThreadAsync("t1", Ct))!.Version);
        Assert.Equal(1, (await Store.ReadGrainStateAsync("g", "k", Ct))!.Version);
        Assert.Equal(before.Select(e => (e.Cursor, e.Event.Id)), (await Store.ReadEventsAfterAsync(0, 100, Ct)).Select(e => (e.Cursor, e.Event.Id)));

        // Cursors continue after the retained maximum, even once everything was pruned.
        await Store.PruneEventsAsync(DateTimeOffset.MaxValue, Ct);
        await ReopenAsync();
        var next = await Store.AppendEventsAsync([Event("after.reopen")], Ct);
        Assert.True(next[0].Cursor > before[^1].Cursor);
        Assert.Equal(AppendOutcome.Duplicate, await PostAsync(message));
    }

    [Fact]
    public async Task A_returned_write_is_already_in_the_files()
    {
        // Copy the files while the store is open, as a crash right after the answer would leave them.
        await PostAsync(Message("m1", RoomTarget("r1")));
        var copy = Path.Combine(_root, "copy", "moltnet.db");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(DbPath, copy);
        if (File.Exists(DbPath + "-wal")) File.Copy(DbPath + "-wal", copy + "-wal");

        await ReopenAsync(copy);
        Assert.True(await Store.MessageExistsAsync("m1", Ct));
        Assert.NotNull(await Store.FindEventCursorAsync(Ids.MessageEventId("m1"), Ct));
    }

    [Fact]
    public async Task Read_only_database_refuses_writes_keeps_reads_and_recovers()
    {
        await Store.WriteRoomAsync(new RoomState(Room("r1")), 0, [], Ct);
        await Store.DisposeAsync();

        using (var readOnly = ReadOnlyFile.Apply(DbPath))
        {
            output.WriteLine(readOnly.IsReal ? "database file made read-only" : "read-only file not possible here: writer forced read-only");
            var store = new SqliteStore(DbPath) { ForceReadOnlyWriter = !readOnly.IsReal };
            Store = store;
            await Store.MigrateAsync(Ct); // nothing pending: opens without writing
            await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.WriteRoomAsync(new RoomState(Room("r2")), 0, [Event("x")], Ct));
            await Assert.ThrowsAsync<StoreUnavailableException>(() => PostAsync(Message("m1", RoomTarget("r1"))));
            await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.AppendEventsAsync([Event("y")], Ct));
            Assert.NotNull(await Store.ReadRoomAsync("r1", Ct));
            Assert.Single(await Store.ListRoomsAsync(Ct));
            Assert.False(await Store.PingAsync(Ct));
            Assert.False(await Store.PingAsync(Ct));
            store.ForceReadOnlyWriter = false;
        }

        // The cause is gone: the writer reopens on the next request.
        Assert.True(await Store.PingAsync(Ct));
        Assert.Equal(1, await Store.WriteRoomAsync(new RoomState(Room("r2")), 0, [], Ct));
        Assert.Equal(AppendOutcome.Stored, await PostAsync(Message("m1", RoomTarget("r1"))));
        Assert.Equal(["m1"], await AllMessageIdsAsync(MessageScope.Room("r1")));
    }
}
