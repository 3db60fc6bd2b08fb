using Moltnet.Grains.Storage;
using Moltnet.Wire;
using static Moltnet.Grains.Tests.Storage.StoreTestData;

namespace Moltnet.Grains.Tests.Storage;

/// <summary>
/// The storage contract every backend passes (design §3). Subclasses supply <see cref="CreateStore"/>; each test gets a
/// fresh, migrated store with a <see cref="RecordingSink"/>. Keep these tests backend-agnostic: backend specifics go in
/// the subclass.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    protected IMoltnetStore Store { get; set; } = null!;

    internal RecordingSink Sink { get; } = new();

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>The precision timestamps keep (one tick unless a backend documents less).</summary>
    protected virtual TimeSpan TimestampPrecision => TimeSpan.FromTicks(1);

    /// <summary>A new, empty store (not yet migrated).</summary>
    protected abstract IMoltnetStore CreateStore();

    public virtual async Task InitializeAsync()
    {
        Store = CreateStore();
        await Store.MigrateAsync(Ct);
        Store.Sink = Sink;
    }

    public virtual async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        _timeout.Dispose();
    }

    // Lifecycle -------------------------------------------------------------------------------------------

    [StoreFact]
    public async Task Migrate_is_idempotent_and_keeps_data()
    {
        await Store.WriteRoomAsync(new RoomState(Room("r1", "alpha")), 0, [], Ct);
        await Store.MigrateAsync(Ct);
        await Store.MigrateAsync(Ct);
        Assert.Equal(1, (await Store.ReadRoomAsync("r1", Ct))!.Version);
        Assert.True(await Store.PingAsync(Ct));
    }

    // Rooms -----------------------------------------------------------------------------------------------

    [StoreFact]
    public async Task Room_create_read_update_with_version_check()
    {
        var room = Room("r1", "beta", "alpha", "beta") with { Access = new RoomAccess(true, true, "x"), Visibility = RoomVisibility.Public };
        Assert.Equal(1, await Store.WriteRoomAsync(new RoomState(room), 0, [Event(EventTypes.RoomCreated) with { Room = room }], Ct));

        var read = (await Store.ReadRoomAsync("r1", Ct))!;
        Assert.Equal(1, read.Version);
        Assert.Equal(["alpha", "beta"], read.Value.Room.Members!);
        Assert.Null(read.Value.Room.Access);
        Assert.Equal(RoomVisibility.Public, read.Value.Room.Visibility);
        Assert.Equal(RoomWritePolicy.Members, read.Value.Room.WritePolicy);
        Assert.Equal(room.Fqid, read.Value.Room.Fqid);
        Assert.Equal(T0, read.Value.Room.CreatedAt);
        Assert.False(read.Value.Removed);

        var updated = room with { Members = ["gamma"], Name = "Renamed", WritePolicy = RoomWritePolicy.Operators };
        Assert.Equal(2, await Store.WriteRoomAsync(new RoomState(updated), 1, [], Ct));
        await Assert.ThrowsAsync<StaleStateException>(() => Store.WriteRoomAsync(new RoomState(room), 1, [Event("x")], Ct));

        read = (await Store.ReadRoomAsync("r1", Ct))!;
        Assert.Equal(2, read.Version);
        Assert.Equal(["gamma"], read.Value.Room.Members!);
        Assert.Equal("Renamed", read.Value.Room.Name);
        Assert.Equal(RoomWritePolicy.Operators, read.Value.Room.WritePolicy);
        Assert.Single(Sink.Events); // the refused write appended nothing

        updated = updated with { Members = [] };
        Assert.Equal(3, await Store.WriteRoomAsync(new RoomState(updated), 2, [], Ct));
        Assert.Null((await Store.ReadRoomAsync("r1", Ct))!.Value.Room.Members);
    }

    [StoreFact]
    public async Task Room_create_of_existing_and_update_of_missing_are_refused()
    {
        await Store.WriteRoomAsync(new RoomState(Room("r1", "alpha")), 0, [], Ct);
        await Assert.ThrowsAsync<StaleStateException>(() =>
            Store.WriteRoomAsync(new RoomState(Room("r1", "mallory")), 0, [Event(EventTypes.RoomCreated)], Ct));
        await Assert.ThrowsAsync<StaleStateException>(() => Store.WriteRoomAsync(new RoomState(Room("r2")), 1, [], Ct));

        Assert.Equal(["alpha"], (await Store.ReadRoomAsync("r1", Ct))!.Value.Room.Members!);
        Assert.Null(await Store.ReadRoomAsync("r2", Ct));
        Assert.Empty(Sink.Events);
        Assert.Equal((null, null), await Store.EventBoundsAsync(Ct));
    }

    [StoreFact]
    public async Task Rooms_list_sorted_by_id_including_soft_removed()
    {
        await Store.WriteRoomAsync(new RoomState(Room("b", "x")), 0, [], Ct);
        await Store.WriteRoomAsync(new RoomState(Room("a", "y", "x")), 0, [], Ct);
        await Store.WriteRoomAsync(new RoomState(Room("c")), 0, [], Ct);
        var removedAt = T0.AddMinutes(5);
        await Store.WriteRoomAsync(new RoomState(Room("b", "x"), removedAt), 1, [], Ct);

        var rooms = await Store.ListRoomsAsync(Ct);
        Assert.Equal(["a", "b", "c"], rooms.Select(r => r.Room.Id));
        Assert.Equal(["x", "y"], rooms[0].Room.Members!);
        Assert.True(rooms[1].Removed);
        Assert.Equal(removedAt, rooms[1].DeletedAt);
        Assert.Equal(["x"], rooms[1].Room.Members!);
        Assert.Null(rooms[2].Room.Members);
        Assert.True((await Store.ReadRoomAsync("b", Ct))!.Value.Removed);
    }

    // Agents ----------------------------------------------------------------------------------------------

    [StoreFact]
    public async Task Agent_write_read_find_by_credential_and_delete()
    {
        Assert.Equal(1, await Store.WriteAgentAsync("beta", Agent("beta", "key-b"), 0, [], Ct));
        Assert.Equal(1, await Store.WriteAgentAsync("alpha", Agent("alpha", "key-a"), 0, [], Ct));
        await Assert.ThrowsAsync<StaleStateException>(() => Store.WriteAgentAsync("alpha", Agent("alpha", "key-x"), 0, [], Ct));

        var read = (await Store.ReadAgentAsync("alpha", Ct))!;
        Assert.Equal(1, read.Version);
        Assert.Equal("key-a", read.Value.CredentialKey);
        Assert.Null(read.Value.AgentToken); // shown once, never stored
        Assert.Equal(Agent("alpha", "key-a") with { AgentToken = null }, read.Value);

        Assert.Equal(["alpha", "beta"], (await Store.ListAgentsAsync(Ct)).Select(a => a.AgentId));
        Assert.Equal("beta", (await Store.FindAgentByCredentialAsync("key-b", Ct))?.AgentId);
        Assert.Null(await Store.FindAgentByCredentialAsync("nope", Ct));
        Assert.Null(await Store.FindAgentByCredentialAsync("", Ct));

        Assert.Equal(2, await Store.WriteAgentAsync("alpha", Agent("alpha", "key-a2"), 1, [], Ct));
        Assert.Null(await Store.FindAgentByCredentialAsync("key-a", Ct));
        Assert.Equal("alpha", (await Store.FindAgentByCredentialAsync("key-a2", Ct))?.AgentId);

        await Assert.ThrowsAsync<StaleStateException>(() => Store.WriteAgentAsync("alpha", null, 1, [], Ct));
        var removed = Event(EventTypes.AgentRemoved);
        await Store.WriteAgentAsync("alpha", null, 2, [removed], Ct);
        Assert.Null(await Store.ReadAgentAsync("alpha", Ct));
        Assert.Null(await Store.FindAgentByCredentialAsync("key-a2", Ct));
        Assert.Equal([removed.Id], Sink.Events.Select(e => e.Event.Id));
        Assert.Equal(1, await Store.WriteAgentAsync("alpha", Agent("alpha", "key-a3"), 0, [], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAgentAsync("gamma", Agent("alpha", "k"), 0, [], Ct));
    }

    // Grain state -----------------------------------------------------------------------------------------

    [StoreFact]
    public async Task Grain_state_follows_the_version_rule()
    {
        Assert.Null(await Store.ReadGrainStateAsync("pairing", "p1", Ct));
        Assert.Equal(1, await Store.WriteGrainStateAsync("pairing", "p1", """{"a":1}""", 0, Ct));
        await Assert.ThrowsAsync<StaleStateException>(() => Store.WriteGrainStateAsync("pairing", "p1", "{}", 0, Ct));
        await Assert.ThrowsAsync<StaleStateException>(() => Store.WriteGrainStateAsync("pairing", "p1", "{}", 2, Ct));
        await Assert.ThrowsAsync<StaleStateException>(() => Store.WriteGrainStateAsync("pairing", "p2", "{}", 1, Ct));
        Assert.Equal(2, await Store.WriteGrainStateAsync("pairing", "p1", """{"a":2}""", 1, Ct));
        Assert.Equal(1, await Store.WriteGrainStateAsync("node", "p1", "{}", 0, Ct)); // another grain type, same key

        Assert.Equal(new Versioned<string>("""{"a":2}""", 2), await Store.ReadGrainStateAsync("pairing", "p1", Ct));
        await Assert.ThrowsAsync<StaleStateException>(() => Store.WriteGrainStateAsync("pairing", "p1", null, 1, Ct));
        await Store.WriteGrainStateAsync("pairing", "p1", null, 2, Ct);
        Assert.Null(await Store.ReadGrainStateAsync("pairing", "p1", Ct));
        Assert.NotNull(await Store.ReadGrainStateAsync("node", "p1", Ct));
        Assert.Equal(1, await Store.WriteGrainStateAsync("pairing", "p1", "{}", 0, Ct));
    }

    [StoreFact]
    public async Task Cancelled_write_is_not_applied()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Store.WriteRoomAsync(new RoomState(Room("r1")), 0, [Event("x")], cts.Token));
        Assert.Null(await Store.ReadRoomAsync("r1", Ct));
        Assert.Empty(await Store.ReadEventsAfterAsync(0, 10, Ct));
    }

    // Helpers ---------------------------------------------------------------------------------------------

    /// <summary>Appends a message the way a grain does: reads the thread/DM, writes it back with its version.</summary>
    protected async Task<AppendOutcome> PostAsync(Message message, IReadOnlyList<Artifact>? artifacts = null)
    {
        Versioned<ThreadInfo>? thread = null;
        Versioned<DirectConversation>? dm = null;
        if (message.Target.Kind == TargetKind.Thread)
            thread = NextThread(message, await Store.ReadThreadAsync(message.Target.ThreadId!, Ct));
        if (message.Target.Kind == TargetKind.Dm)
            dm = NextDm(message, await Store.ReadDmAsync(message.Target.DmId!, Ct));
        return await Store.AppendMessageAsync(Write(message, thread, dm, artifacts), Ct);
    }

    /// <summary>Every message id of a history, oldest first, walking pages backwards from the newest.</summary>
    protected async Task<List<string>> AllMessageIdsAsync(MessageScope scope)
    {
        var ids = new List<string>();
        var page = await Store.ListMessagesAsync(scope, new PageRequest(PageRequest.MaxLimit), Ct);
        while (true)
        {
            ids.InsertRange(0, page.Items.Select(m => m.Id));
            if (!page.Info.HasMore) return ids;
            page = await Store.ListMessagesAsync(scope, new PageRequest(PageRequest.MaxLimit, Before: page.Info.NextBefore), Ct);
        }
    }

    /// <summary>Every message id after <paramref name="after"/>, walking pages forwards.</summary>
    protected async Task<List<string>> MessageIdsAfterAsync(MessageScope scope, string after)
    {
        var ids = new List<string>();
        while (true)
        {
            var page = await Store.ListMessagesAsync(scope, new PageRequest(PageRequest.MaxLimit, After: after), Ct);
            ids.AddRange(page.Items.Select(m => m.Id));
            if (!page.Info.HasMore) return ids;
            after = page.Info.NextAfter!;
        }
    }
}
