using Moltnet.Grains.Storage;
using Moltnet.Wire;
using static Moltnet.Grains.Tests.Storage.StoreTestData;

namespace Moltnet.Grains.Tests.Storage;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task Purge_deletes_a_room_with_its_history_and_log_entries_but_not_other_rooms()
    {
        var ct = CancellationToken.None;
        var roomVersion = await Store.WriteRoomAsync(new RoomState(Room("r1", "alpha")), 0, [Event(EventTypes.RoomCreated) with { Room = Room("r1") }], ct);
        await Store.WriteRoomAsync(new RoomState(Room("r2", "alpha")), 0, [], ct);
        var inRoom = Message("m1", RoomTarget("r1"));
        await Store.AppendMessageAsync(Write(inRoom, artifacts: Artifacts(inRoom, 0)), ct);
        var inThread = Message("m2", ThreadTarget("r1", "t1"));
        await Store.AppendMessageAsync(Write(inThread, NextThread(inThread, null)), ct);
        var elsewhere = Message("m3", RoomTarget("r2"));
        await Store.AppendMessageAsync(Write(elsewhere), ct);

        await Assert.ThrowsAsync<StaleStateException>(() => Store.PurgeRoomAsync("r1", roomVersion + 5, [], ct));
        await Store.PurgeRoomAsync("r1", roomVersion, [], ct);

        Assert.Null(await Store.ReadRoomAsync("r1", ct));
        Assert.Null(await Store.ReadThreadAsync("t1", ct));
        Assert.False(await Store.MessageExistsAsync("m1", ct));
        Assert.False(await Store.MessageExistsAsync("m2", ct));
        Assert.True(await Store.MessageExistsAsync("m3", ct));
        Assert.Null(await Store.FindEventCursorAsync(Ids.MessageEventId("m1"), ct));
        Assert.NotNull(await Store.FindEventCursorAsync(Ids.MessageEventId("m3"), ct));
        Assert.Empty((await Store.ListArtifactsAsync(MessageScope.Room("r1"), new PageRequest(), ct)).Items);
        // The id and the message ids are free again.
        await Store.WriteRoomAsync(new RoomState(Room("r1")), 0, [], ct);
        Assert.Equal(AppendOutcome.Stored, await Store.AppendMessageAsync(Write(inRoom), ct));
    }
}
