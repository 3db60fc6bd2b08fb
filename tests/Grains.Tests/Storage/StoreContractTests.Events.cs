using Moltnet.Grains.Storage;
using Moltnet.Wire;
using static Moltnet.Grains.Tests.Storage.StoreTestData;

namespace Moltnet.Grains.Tests.Storage;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task Event_cursors_increase_and_the_sink_hears_each_commit_once_in_order()
    {
        var first = await Store.AppendEventsAsync([Event("a.one"), Event("a.two")], Ct);
        await Store.WriteRoomAsync(new RoomState(Room("r1")), 0, [Event(EventTypes.RoomCreated)], Ct);
        await PostAsync(Message("m1", ThreadTarget("r1", "t1")));
        var last = await Store.AppendEventsAsync([Event("a.three")], Ct);
        Assert.Empty(await Store.AppendEventsAsync([], Ct));

        var log = await Store.ReadEventsAfterAsync(0, 100, Ct);
        Assert.Equal(6, log.Count);
        Assert.Equal(["a.one", "a.two", EventTypes.RoomCreated, EventTypes.ThreadCreated, EventTypes.MessageCreated, "a.three"],
            log.Select(e => e.Event.Type));
        Assert.True(log.Zip(log.Skip(1)).All(p => p.First.Cursor < p.Second.Cursor));
        Assert.Equal(first.Select(e => e.Cursor), log.Take(2).Select(e => e.Cursor));
        Assert.Equal(last[0].Cursor, log[^1].Cursor);

        Assert.Equal(log.Select(e => (e.Cursor, e.Event.Id)), Sink.Events.Select(e => (e.Cursor, e.Event.Id)));
        Assert.All(Sink.CallSizes, n => Assert.True(n > 0));

        Assert.Equal(log[4].Cursor, await Store.FindEventCursorAsync(Ids.MessageEventId("m1"), Ct));
        Assert.Null(await Store.FindEventCursorAsync("evt_unknown", Ct));
        Assert.Equal(log.Skip(3).Take(2).Select(e => e.Cursor), (await Store.ReadEventsAfterAsync(log[2].Cursor, 2, Ct)).Select(e => e.Cursor));
        Assert.Empty(await Store.ReadEventsAfterAsync(log[^1].Cursor, 10, Ct));
        Assert.Equal("m1", log[4].Event.Message!.Id);
        // The relational stores hand out the JSON they stored (delivery sends it as is): the event's serialisation, on
        // commit and on read. The memory store keeps no JSON, and delivery serialises.
        foreach (var e in log.Concat(Sink.Events))
            Assert.Equal(Store is RelationalStore ? MoltnetJson.Serialize(e.Event) : null, e.Logged.Json);
    }

    [StoreFact]
    public async Task Events_read_from_the_log_carry_id_type_and_json_and_are_decoded_only_when_used()
    {
        var room = Event(EventTypes.RoomCreated) with { Room = Room("r1") };
        await Store.WriteRoomAsync(new RoomState(Room("r1")), 0, [room], Ct);
        await PostAsync(Message("m1", RoomTarget("r1")) with { Parts = [new Part { Kind = "text", Text = "héllo ✓ <&>" }] });

        var log = await Store.ReadEventsAfterAsync(0, 100, Ct);
        Assert.Equal([room.Id, Ids.MessageEventId("m1")], log.Select(e => e.Logged.Id));
        // A relational row hands over its JSON as the UTF-8 bytes it stores (a stream sends them as they are).
        Assert.All(log, e => Assert.Equal(Store is RelationalStore, e.Logged.HasUtf8Json));
        Assert.Equal([EventTypes.RoomCreated, EventTypes.MessageCreated], log.Select(e => e.Logged.Type));
        // A relational row is decoded on first use (a stream that shows everything sends its JSON as it is); the
        // memory store hands out the events it holds.
        Assert.All(log, e => Assert.Equal(Store is not RelationalStore, e.Logged.IsDecoded));
        var decoded = log[1].Event;
        Assert.Same(decoded, log[1].Event);
        Assert.True(log[1].Logged.IsDecoded);
        Assert.Equal(("m1", "héllo ✓ <&>"), (decoded.Message!.Id, decoded.Message.Parts[0].Text));
        Assert.Equal(MoltnetJson.Serialize(room), MoltnetJson.Serialize(log[0].Event));
        if (Store is RelationalStore)
            Assert.All(log, e => Assert.Equal(System.Text.Encoding.UTF8.GetBytes(MoltnetJson.Serialize(e.Event)), e.Logged.Utf8Json.ToArray()));

        var (oldest, newest) = await Store.EventBoundsAsync(Ct);
        Assert.Equal((room.Id, EventTypes.MessageCreated), (oldest!.Logged.Id, newest!.Logged.Type));
    }

    [StoreFact]
    public async Task Event_reads_stop_at_an_upper_cursor_and_the_durable_cursor_follows_commits()
    {
        Assert.Equal(0, await Store.DurableEventCursorAsync(Ct));
        var log = await Store.AppendEventsAsync([Event("a"), Event("b"), Event("c"), Event("d")], Ct);
        Assert.Equal(log[^1].Cursor, await Store.DurableEventCursorAsync(Ct));

        Assert.Equal(log.Skip(1).Take(2).Select(e => e.Cursor), (await Store.ReadEventsAsync(log[0].Cursor, log[2].Cursor, 10, Ct)).Select(e => e.Cursor));
        Assert.Equal([log[1].Cursor], (await Store.ReadEventsAsync(log[0].Cursor, log[^1].Cursor, 1, Ct)).Select(e => e.Cursor));
        Assert.Empty(await Store.ReadEventsAsync(log[2].Cursor, log[2].Cursor, 10, Ct));
        Assert.Empty(await Store.ReadEventsAsync(log[2].Cursor, log[1].Cursor, 10, Ct));

        var more = await Store.AppendEventsAsync([Event("e")], Ct);
        Assert.Equal(more[0].Cursor, await Store.DurableEventCursorAsync(Ct));
    }

    [StoreFact]
    public async Task A_failing_sink_does_not_fail_committed_writes()
    {
        Store.Sink = new ThrowingSink();
        Assert.Equal(AppendOutcome.Stored, await PostAsync(Message("m1", RoomTarget("r1"))));
        Assert.Equal(1, await Store.WriteRoomAsync(new RoomState(Room("r1")), 0, [Event(EventTypes.RoomCreated)], Ct));
        Assert.True(await Store.MessageExistsAsync("m1", Ct));
        Assert.Equal(2, (await Store.ReadEventsAfterAsync(0, 10, Ct)).Count);
        Assert.Empty(await Store.ReadEventsAfterAsync(0, 0, Ct));
    }

    [StoreFact]
    public async Task Concurrent_writers_get_gap_free_cursors_in_one_order_for_everyone()
    {
        const int writers = 16, perWriter = 200;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                // Shared rooms interleave writers; each writer owns its thread and DM (grains serialise those).
                var target = (i % 4) switch
                {
                    0 or 1 => RoomTarget($"room{(w + i) % 3}"),
                    2 => ThreadTarget("room0", $"thread{w}"),
                    _ => DmTarget($"dm{w}", $"w{w}", "observer"),
                };
                Assert.Equal(AppendOutcome.Stored, await PostAsync(Message($"w{w}-{i}", target, T0.AddTicks(i), from: $"w{w}")));
                if (i % 50 == 0) await Store.AppendEventsAsync([Event("writer.tick")], Ct);
            }
        }, Ct)));

        var log = new List<StoredEvent>();
        while (true)
        {
            var page = await Store.ReadEventsAfterAsync(log.Count == 0 ? 0 : log[^1].Cursor, 700, Ct);
            if (page.Count == 0) break;
            log.AddRange(page);
        }
        var expected = writers * perWriter + writers * (perWriter / 50) + writers * 2; // messages, ticks, thread/dm created
        Assert.Equal(expected, log.Count);
        AssertContiguous([.. log.Select(e => e.Cursor)]);
        Assert.Equal(log.Select(e => (e.Cursor, e.Event.Id)), Sink.Events.Select(e => (e.Cursor, e.Event.Id)));

        // Each conversation's history is the order of its message.created events.
        var created = log.Where(e => e.Event.Type == EventTypes.MessageCreated).Select(e => e.Event.Message!).ToList();
        foreach (var scope in created.Select(m => ScopeOf(m.Target)).Distinct())
        {
            var fromEvents = created.Where(m => ScopeOf(m.Target) == scope).Select(m => m.Id).ToList();
            var history = await AllMessageIdsAsync(scope);
            Assert.Equal(fromEvents, history);
            Assert.Equal(fromEvents.Skip(1), await MessageIdsAfterAsync(scope, fromEvents[0]));
        }
        for (var w = 0; w < writers; w++)
        {
            Assert.Equal(perWriter / 4, (await Store.ReadThreadAsync($"thread{w}", Ct))!.Value.MessageCount);
            Assert.Equal(perWriter / 4, (await Store.ReadDmAsync($"dm{w}", Ct))!.Version);
        }
    }

    [StoreFact]
    public async Task Prune_removes_old_events_and_bounds_follow_without_reusing_cursors()
    {
        Assert.Equal((null, null), await Store.EventBoundsAsync(Ct));
        Assert.Equal(0, await Store.PruneEventsAsync(T0.AddDays(1), Ct));
        var whole = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
        // Whole second, then later sub-second times: trimmed RFC 3339 text would sort "07Z" after "07.5Z".
        var events = new[]
        {
            Event("e.0", whole), Event("e.1", whole.AddMilliseconds(50)), Event("e.2", whole.AddMilliseconds(500)),
            Event("e.3", whole.AddMilliseconds(500).AddTicks(1)), Event("e.4", whole.AddSeconds(1)),
        };
        var stored = await Store.AppendEventsAsync(events, Ct);

        var (oldest, newest) = await Store.EventBoundsAsync(Ct);
        Assert.Equal((stored[0].Cursor, "e.0"), (oldest!.Cursor, oldest.Event.Type));
        Assert.Equal((stored[^1].Cursor, "e.4"), (newest!.Cursor, newest.Event.Type));

        Assert.Equal(3, await Store.PruneEventsAsync(whole.AddMilliseconds(500).AddTicks(1), Ct));
        (oldest, newest) = await Store.EventBoundsAsync(Ct);
        Assert.Equal("e.3", oldest!.Event.Type);
        Assert.Equal("e.4", newest!.Event.Type);
        Assert.Null(await Store.FindEventCursorAsync(events[0].Id, Ct));
        Assert.Equal(stored[3].Cursor, await Store.FindEventCursorAsync(events[3].Id, Ct));
        Assert.Equal(["e.3", "e.4"], (await Store.ReadEventsAfterAsync(0, 10, Ct)).Select(e => e.Event.Type));

        Assert.Equal(2, await Store.PruneEventsAsync(whole.AddHours(1), Ct));
        Assert.Equal((null, null), await Store.EventBoundsAsync(Ct));
        var next = await Store.AppendEventsAsync([Event("e.5", whole)], Ct);
        Assert.True(next[0].Cursor > stored[^1].Cursor);
        // Pruning leaves stored state alone.
        Assert.Equal(0, await Store.PruneEventsAsync(whole, Ct));
    }

    [StoreFact]
    public async Task Timestamps_round_trip_with_sub_second_precision()
    {
        var odd = new DateTimeOffset(2025, 3, 4, 7, 6, 7, TimeSpan.FromHours(2)).AddTicks(1); // 05:06:07.0000001Z
        var room = Room("r1") with { CreatedAt = odd };
        await Store.WriteRoomAsync(new RoomState(room, odd.AddTicks(9_999_998)), 0, [], Ct);
        var readRoom = (await Store.ReadRoomAsync("r1", Ct))!.Value;
        AssertTime(odd, readRoom.Room.CreatedAt);
        AssertTime(odd.AddTicks(9_999_998), readRoom.DeletedAt!.Value);
        Assert.Equal(TimeSpan.Zero, readRoom.Room.CreatedAt.Offset);

        await Store.WriteAgentAsync("a", Agent("a", "k") with { CreatedAt = odd, UpdatedAt = DateTimeOffset.MinValue }, 0, [], Ct);
        var agent = (await Store.ReadAgentAsync("a", Ct))!.Value;
        AssertTime(odd, agent.CreatedAt);
        AssertTime(DateTimeOffset.MinValue, agent.UpdatedAt);

        // Messages within one second, committed out of time order, keep exact times.
        var times = new[] { odd.AddTicks(5), odd, odd.AddMilliseconds(999).AddTicks(9_999), odd.AddTicks(10) };
        for (var i = 0; i < times.Length; i++) await PostAsync(Message($"m{i}", ThreadTarget("r1", "t1"), times[i]));
        var history = (await Store.ListMessagesAsync(MessageScope.Thread("t1"), new PageRequest(), Ct)).Items;
        Assert.Equal(times.Length, history.Count);
        for (var i = 0; i < times.Length; i++) AssertTime(times[i], history[i].CreatedAt);
        AssertTime(times[^1], (await Store.ReadThreadAsync("t1", Ct))!.Value.LastMessageAt);
        var log = await Store.ReadEventsAfterAsync(0, 10, Ct);
        AssertTime(times[0], log[0].Event.CreatedAt);
        AssertTime(times[2], log[3].Event.Message!.CreatedAt);
    }

    private void AssertTime(DateTimeOffset expected, DateTimeOffset actual)
    {
        var ticks = TimestampPrecision.Ticks;
        Assert.Equal(expected.UtcTicks / ticks * ticks, actual.UtcTicks / ticks * ticks);
    }

    private static MessageScope ScopeOf(Target t) => t.Kind switch
    {
        TargetKind.Room => MessageScope.Room(t.RoomId!),
        TargetKind.Thread => MessageScope.Thread(t.ThreadId!),
        _ => MessageScope.Dm(t.DmId!),
    };

    private sealed class ThrowingSink : IEventSink
    {
        public void OnCommitted(IReadOnlyList<StoredEvent> events) => throw new InvalidOperationException("sink down");
    }
}
