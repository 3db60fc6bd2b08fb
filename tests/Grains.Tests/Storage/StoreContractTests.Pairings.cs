using Moltnet.Grains.Storage;
using Moltnet.Wire;
using static Moltnet.Grains.Tests.Storage.StoreTestData;

namespace Moltnet.Grains.Tests.Storage;

// Pairing statuses and the relay outbox (design §5).
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task Pairing_state_is_a_conditional_write_with_its_events()
    {
        Assert.Empty(await Store.ListPairingStatesAsync(Ct));
        var diagnostics = new PairingDiagnostics
        {
            CheckedAt = T0,
            RemoteNetworkId = "remote",
            RemoteVersion = "1.2.3",
            RemoteProtocols = new Protocols([Protocols.HttpV1], null, [Protocols.PairV1]),
            Reason = "remote_request_failed",
            Message = "HTTP 500",
        };
        var state = new PairingState("p1", PairingStatus.Error, diagnostics, T0);
        var updated = Event(EventTypes.PairingUpdated) with { Pairing = new Pairing { Id = "p1", RemoteNetworkId = "remote", Status = PairingStatus.Error } };
        Assert.Equal(1, await Store.WritePairingStateAsync(state, 0, [updated], Ct));
        await Assert.ThrowsAsync<StaleStateException>(() => Store.WritePairingStateAsync(state, 0, [Event("x")], Ct));
        Assert.Equal(1, await Store.WritePairingStateAsync(new PairingState("p0", PairingStatus.Connected, null, T0), 0, [], Ct));

        var all = await Store.ListPairingStatesAsync(Ct);
        Assert.Equal(["p0", "p1"], all.Select(p => p.Value.PairingId));
        var read = all[1];
        Assert.Equal(1, read.Version);
        Assert.Equal(PairingStatus.Error, read.Value.Status);
        Assert.Equal(T0, read.Value.ChangedAt);
        Assert.Equal((T0, "remote", "1.2.3", "remote_request_failed"),
            (read.Value.Diagnostics!.CheckedAt, read.Value.Diagnostics.RemoteNetworkId, read.Value.Diagnostics.RemoteVersion, read.Value.Diagnostics.Reason));
        Assert.Equal([Protocols.HttpV1], read.Value.Diagnostics!.RemoteProtocols.Http!);
        Assert.Equal("HTTP 500", read.Value.Diagnostics.Message);

        Assert.Equal(2, await Store.WritePairingStateAsync(state with { Status = PairingStatus.Connected, Diagnostics = null }, 1, [], Ct));
        await Assert.ThrowsAsync<StaleStateException>(() => Store.WritePairingStateAsync(state, 1, [], Ct));
        var after = (await Store.ListPairingStatesAsync(Ct))[1];
        Assert.Equal((PairingStatus.Connected, 2L), (after.Value.Status, after.Version));
        Assert.Null(after.Value.Diagnostics);
        Assert.Equal([updated.Id], Sink.Events.Select(e => e.Event.Id)); // refused writes appended nothing
    }

    [StoreFact]
    public async Task Outbox_entries_commit_with_their_message_in_commit_order()
    {
        var first = Message("m1", RoomTarget("r1"), T0);
        var second = Message("m2", ThreadTarget("r1", "t1"), T0.AddSeconds(1));
        await Store.AppendMessageAsync(Write(first) with { Outbox = [new("pa", "{\"id\":\"m1\"}"), new("pb", "{\"id\":\"m1b\"}")] }, Ct);
        await Store.AppendMessageAsync(Write(second, NextThread(second, null)) with { Outbox = [new("pa", "{\"id\":\"m2\"}")] }, Ct);
        await PostAsync(Message("m3", RoomTarget("r1"), T0.AddSeconds(2))); // no relay

        var pa = await Store.ReadOutboxAsync("pa", 10, Ct);
        Assert.Equal(["m1", "m2"], pa.Select(o => o.MessageId));
        Assert.Equal("{\"id\":\"m2\"}", pa[1].BodyJson);
        Assert.True(pa[0].Seq < pa[1].Seq);
        Assert.Equal(await Store.FindEventCursorAsync(Ids.MessageEventId("m1"), Ct), pa[0].Seq);
        Assert.Equal(T0, pa[0].CreatedAt);
        Assert.Equal((0, (DateTimeOffset?)null, (string?)null), (pa[0].Attempts, pa[0].NextAttemptAt, pa[0].LastError));
        Assert.Equal(["m1"], (await Store.ReadOutboxAsync("pb", 10, Ct)).Select(o => o.MessageId));
        Assert.Single(await Store.ReadOutboxAsync("pa", 1, Ct));
        Assert.Empty(await Store.ReadOutboxAsync("other", 10, Ct));

        // A duplicate message queues nothing more.
        Assert.Equal(AppendOutcome.Duplicate, await Store.AppendMessageAsync(Write(first) with { Outbox = [new("pa", "{}"), new("pc", "{}")] }, Ct));
        Assert.Equal(2, (await Store.ReadOutboxAsync("pa", 10, Ct)).Count);
        Assert.Empty(await Store.ReadOutboxAsync("pc", 10, Ct));
    }

    [StoreFact]
    public async Task Outbox_entries_of_a_refused_message_are_not_queued()
    {
        await PostAsync(Message("m1", ThreadTarget("r1", "t1")));
        var stale = Message("m2", ThreadTarget("r1", "t1"));
        var write = Write(stale, NextThread(stale, null)) with { Outbox = [new("pa", "{}")] };
        await Assert.ThrowsAsync<StaleStateException>(() => Store.AppendMessageAsync(write, Ct));
        Assert.Empty(await Store.ReadOutboxAsync("pa", 10, Ct));
    }

    [StoreFact]
    public async Task Outbox_items_are_rescheduled_and_deleted()
    {
        await Store.AppendMessageAsync(Write(Message("m1", RoomTarget("r1"))) with { Outbox = [new("pa", "{}")] }, Ct);
        await Store.AppendMessageAsync(Write(Message("m2", RoomTarget("r1"), T0.AddTicks(1))) with { Outbox = [new("pa", "{}")] }, Ct);
        var head = (await Store.ReadOutboxAsync("pa", 10, Ct))[0];

        var next = T0.AddMinutes(1).AddTicks(3);
        Assert.True(await Store.RescheduleOutboxItemAsync(head.Id, 3, next, "HTTP 503", Ct));
        var read = (await Store.ReadOutboxAsync("pa", 10, Ct))[0];
        Assert.Equal((head.Id, 3, (DateTimeOffset?)next, "HTTP 503"), (read.Id, read.Attempts, read.NextAttemptAt, read.LastError));

        Assert.True(await Store.DeleteOutboxItemAsync(head.Id, Ct));
        Assert.False(await Store.DeleteOutboxItemAsync(head.Id, Ct));
        Assert.False(await Store.RescheduleOutboxItemAsync(head.Id, 4, next, null, Ct));
        Assert.Equal(["m2"], (await Store.ReadOutboxAsync("pa", 10, Ct)).Select(o => o.MessageId));
    }
}
