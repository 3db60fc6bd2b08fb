using Moltnet.Grains.Storage;
using Moltnet.Wire;
using static Moltnet.Grains.Tests.Storage.StoreTestData;

namespace Moltnet.Grains.Tests.Storage;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task Append_stores_message_thread_artifacts_and_events_atomically()
    {
        var message = Message("m1", ThreadTarget("r1", "t1", "p0"));
        var artifacts = Artifacts(message, 1, 3);
        var thread = NextThread(message, null);
        var write = Write(message, thread, artifacts: artifacts);
        Assert.Equal(AppendOutcome.Stored, await Store.AppendMessageAsync(write, Ct));

        var storedThread = (await Store.ReadThreadAsync("t1", Ct))!;
        Assert.Equal(1, storedThread.Version);
        Assert.Equal(thread.Value, storedThread.Value);
        Assert.Equal([thread.Value], await Store.ListThreadsAsync("r1", Ct));
        Assert.Empty(await Store.ListThreadsAsync("r2", Ct));
        Assert.True(await Store.MessageExistsAsync("m1", Ct));

        var history = await Store.ListMessagesAsync(MessageScope.Thread("t1"), new PageRequest(), Ct);
        AssertSameMessage(message, Assert.Single(history.Items));
        var listed = (await Store.ListArtifactsAsync(MessageScope.Thread("t1"), new PageRequest(), Ct)).Items;
        Assert.Equal(artifacts, listed);

        var log = await Store.ReadEventsAfterAsync(0, 100, Ct);
        Assert.Equal([EventTypes.ThreadCreated, EventTypes.MessageCreated], log.Select(e => e.Event.Type));
        Assert.Equal(write.Events.Select(e => e.Id), log.Select(e => e.Event.Id));
        Assert.Equal("m1", log[1].Event.Message!.Id);
        Assert.Equal("t1", log[0].Event.Thread!.Id);
        Assert.Equal(log.Select(e => e.Cursor), Sink.Events.Select(e => e.Cursor));

        // The second reply updates the thread at version 1.
        var reply = Message("m2", ThreadTarget("r1", "t1"), T0.AddSeconds(1));
        Assert.Equal(AppendOutcome.Stored, await PostAsync(reply));
        storedThread = (await Store.ReadThreadAsync("t1", Ct))!;
        Assert.Equal(2, storedThread.Version);
        Assert.Equal(2, storedThread.Value.MessageCount);
        Assert.Equal("p0", storedThread.Value.ParentMessageId);
        Assert.Equal(reply.CreatedAt, storedThread.Value.LastMessageAt);
    }

    [StoreFact]
    public async Task Append_stores_dm_with_sorted_participants()
    {
        var first = Message("d-1", DmTarget("dm1", "gamma", "beta"), from: "beta");
        Assert.Equal(AppendOutcome.Stored, await PostAsync(first, Artifacts(first, 0)));
        var second = Message("d-2", DmTarget("dm1", "beta", "alpha"), T0.AddSeconds(1), from: "alpha");
        Assert.Equal(AppendOutcome.Stored, await PostAsync(second));

        var dm = (await Store.ReadDmAsync("dm1", Ct))!;
        Assert.Equal(2, dm.Version);
        Assert.Equal(["alpha", "beta", "gamma"], dm.Value.ParticipantIds!);
        Assert.Equal(2, dm.Value.MessageCount);
        Assert.Equal(second.CreatedAt, dm.Value.LastMessageAt);
        Assert.Equal(["dm1"], (await Store.ListDmsAsync(Ct)).Select(d => d.Id));
        Assert.Equal(["alpha", "beta", "gamma"], (await Store.ListDmsAsync(Ct))[0].ParticipantIds!);
        Assert.Null(await Store.ReadDmAsync("dm2", Ct));

        Assert.Equal(["d-1", "d-2"], await AllMessageIdsAsync(MessageScope.Dm("dm1")));
        Assert.Equal(["art_d-1_0"], (await Store.ListArtifactsAsync(MessageScope.Dm("dm1"), new PageRequest(), Ct)).Items.Select(a => a.Id));
        Assert.Equal([EventTypes.DmCreated, EventTypes.MessageCreated, EventTypes.MessageCreated],
            (await Store.ReadEventsAfterAsync(0, 100, Ct)).Select(e => e.Event.Type));
    }

    [StoreFact]
    public async Task Duplicate_message_id_changes_nothing()
    {
        var message = Message("m1", ThreadTarget("r1", "t1"));
        Assert.Equal(AppendOutcome.Stored, await PostAsync(message, Artifacts(message, 1)));
        var bounds = await CursorBoundsAsync();
        var calls = Sink.CallSizes.Count;

        // Same id, other content and target, fresh thread and DM: still a duplicate (content is not compared).
        var again = Message("m1", DmTarget("dm9", "x", "y"), T0.AddHours(1));
        Assert.Equal(AppendOutcome.Duplicate, await PostAsync(again, Artifacts(again, 5)));
        var sameThread = Message("m1", ThreadTarget("r1", "t1"));
        Assert.Equal(AppendOutcome.Duplicate, await PostAsync(sameThread));

        Assert.Equal(bounds, await CursorBoundsAsync());
        Assert.Equal(calls, Sink.CallSizes.Count);
        Assert.Null(await Store.ReadDmAsync("dm9", Ct));
        Assert.Equal(1, (await Store.ReadThreadAsync("t1", Ct))!.Version);
        Assert.Equal(["m1"], await AllMessageIdsAsync(MessageScope.Thread("t1")));
        Assert.Empty(await AllMessageIdsAsync(MessageScope.Dm("dm9")));
        Assert.Single((await Store.ListArtifactsAsync(MessageScope.Room("r1"), new PageRequest(), Ct)).Items);
    }

    [StoreFact]
    public async Task Stale_thread_or_dm_version_throws_and_stores_nothing()
    {
        Assert.Equal(AppendOutcome.Stored, await PostAsync(Message("m1", ThreadTarget("r1", "t1"))));
        Assert.Equal(AppendOutcome.Stored, await PostAsync(Message("d1", DmTarget("dm1", "a", "b"))));
        var bounds = await CursorBoundsAsync();
        var sinkCount = Sink.Events.Count;

        var stale = Message("m2", ThreadTarget("r1", "t1"));
        var write = Write(stale, NextThread(stale, null), artifacts: Artifacts(stale, 1)); // expects a new thread
        await Assert.ThrowsAsync<StaleStateException>(() => Store.AppendMessageAsync(write, Ct));
        var ahead = Write(stale, NextThread(stale, (await Store.ReadThreadAsync("t1", Ct))!) with { Version = 5 });
        await Assert.ThrowsAsync<StaleStateException>(() => Store.AppendMessageAsync(ahead, Ct));

        var staleDm = Message("d2", DmTarget("dm1", "a", "c"));
        await Assert.ThrowsAsync<StaleStateException>(() => Store.AppendMessageAsync(Write(staleDm, dm: NextDm(staleDm, null)), Ct));

        Assert.False(await Store.MessageExistsAsync("m2", Ct));
        Assert.False(await Store.MessageExistsAsync("d2", Ct));
        Assert.Equal(bounds, await CursorBoundsAsync());
        Assert.Equal(sinkCount, Sink.Events.Count);
        Assert.Null(await Store.FindEventCursorAsync(Ids.MessageEventId("m2"), Ct));
        Assert.Equal(1, (await Store.ReadThreadAsync("t1", Ct))!.Value.MessageCount);
        Assert.Equal(["a", "alpha", "b"], (await Store.ReadDmAsync("dm1", Ct))!.Value.ParticipantIds!);
        Assert.Empty((await Store.ListArtifactsAsync(MessageScope.Thread("t1"), new PageRequest(), Ct)).Items);

        // The same message goes through once the grain retries with the current version.
        Assert.Equal(AppendOutcome.Stored, await PostAsync(stale));
    }

    [StoreFact]
    public async Task Duplicate_event_id_is_refused_and_appends_nothing()
    {
        var e = Event("custom.one");
        await Store.AppendEventsAsync([e], Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AppendEventsAsync([Event("custom.two"), e], Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Store.WriteRoomAsync(new RoomState(Room("r1")), 0, [e with { Type = "room.created" }], Ct));
        Assert.Null(await Store.ReadRoomAsync("r1", Ct));
        Assert.Single(await Store.ReadEventsAfterAsync(0, 10, Ct));
        Assert.Single(Sink.Events);
    }

    [StoreFact]
    public async Task Concurrent_requests_with_failures_do_not_disturb_each_other()
    {
        await PostAsync(Message("seed", ThreadTarget("r1", "t1")));
        var tasks = new List<Task<AppendOutcome>>();
        for (var i = 0; i < 40; i++)
        {
            var m = Message($"m{i}", RoomTarget("r1"));
            tasks.Add(Store.AppendMessageAsync(Write(m), Ct));
            if (i % 4 == 0) tasks.Add(Store.AppendMessageAsync(Write(m), Ct)); // duplicate of a sibling in flight
            if (i % 5 == 0)
            {
                var stale = Message($"s{i}", ThreadTarget("r1", "t1"));
                tasks.Add(Store.AppendMessageAsync(Write(stale, NextThread(stale, null)), Ct)); // thread exists: stale
            }
        }
        var outcomes = await Task.WhenAll(tasks.Select(async t =>
        {
            try { return (object)await t; }
            catch (StaleStateException) { return "stale"; }
        }));

        Assert.Equal(40, outcomes.Count(o => o is AppendOutcome.Stored));
        Assert.Equal(10, outcomes.Count(o => o is AppendOutcome.Duplicate));
        Assert.Equal(8, outcomes.Count(o => o is "stale"));
        var log = await Store.ReadEventsAfterAsync(0, 1000, Ct);
        Assert.Equal(42, log.Count); // seed thread.created + message.created, 40 messages
        AssertContiguous(log.Select(e => e.Cursor).ToList());
        Assert.Equal(log.Select(e => e.Cursor), Sink.Events.Select(e => e.Cursor));
        Assert.Equal(40, (await AllMessageIdsAsync(MessageScope.Room("r1"))).Count);
    }

    /// <summary>Compares a stored message field by field (lists by content).</summary>
    protected static void AssertSameMessage(Message expected, Message actual)
    {
        Assert.Equal(MoltnetJson.Serialize(expected), MoltnetJson.Serialize(actual));
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
    }

    protected async Task<(long?, long?)> CursorBoundsAsync()
    {
        var (oldest, newest) = await Store.EventBoundsAsync(Ct);
        return (oldest?.Cursor, newest?.Cursor);
    }

    protected static void AssertContiguous(IReadOnlyList<long> cursors)
    {
        for (var i = 1; i < cursors.Count; i++) Assert.Equal(cursors[i - 1] + 1, cursors[i]);
    }
}
