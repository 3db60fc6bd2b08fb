using Moltnet.Configuration;
using Moltnet.Grains.Domain;
using Moltnet.Grains.Events;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Tests.Events;

public sealed class EventBrokerTests
{
    private static (MemoryStore Store, EventBroker Broker) Create(int queue)
    {
        var store = new MemoryStore();
        var broker = new EventBroker(store, new NetworkContext(MoltnetConfig.Default, TimeProvider.System), new BrokerOptions(queue));
        store.Sink = broker;
        return (store, broker);
    }

    private static Event E(int i) => new() { Id = $"evt_{i}", Type = "agent.connected", NetworkId = "local", CreatedAt = DateTimeOffset.UnixEpoch };

    private static async Task AppendAsync(MemoryStore store, int from, int count)
    {
        for (var i = from; i < from + count; i++) await store.AppendEventsAsync([E(i)], default);
    }

    private static async Task<List<FeedItem>> ReadAsync(IEventSubscription sub, int events)
    {
        var items = new List<FeedItem>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var item in sub.ReadAllAsync(cts.Token))
        {
            items.Add(item);
            if (items.Count(i => i.Event is not null) == events) break;
        }
        return items;
    }

    [Fact]
    public async Task A_subscriber_that_overflows_is_told_and_caught_up_from_the_log_without_loss()
    {
        var (store, broker) = Create(queue: 4);
        await broker.InitializeAsync(default);
        await using var slow = await broker.SubscribeAsync(null, default);
        await AppendAsync(store, 0, 1000); // nobody reads: the queue of 4 overflows
        Assert.True(broker.DroppedCount > 900);
        var items = await ReadAsync(slow, 1000);
        Assert.Contains(items, i => i.Lagged);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"evt_{i}"), items.Where(i => i.Event is not null).Select(i => i.Event!.Id));
        Assert.Equal(1, broker.LaggedCount);
    }

    [Fact]
    public async Task The_default_queue_takes_a_full_page_of_the_log_on_top_of_a_full_batch_without_a_lag()
    {
        var (store, broker) = Create(queue: new LimitsSection().SubscriberQueue);
        await broker.InitializeAsync(default);
        await using var sub = await broker.SubscribeAsync(null, default);
        // A local commit the stream has not sent yet, then another replica's commits in one read of the log.
        await store.AppendEventsAsync([.. Enumerable.Range(0, PostgresStore.MaxBatch).Select(E)], default);
        await store.AppendEventsAsync([.. Enumerable.Range(PostgresStore.MaxBatch, Moltnet.Cluster.LogTail.PageSize).Select(E)], default);
        var total = PostgresStore.MaxBatch + Moltnet.Cluster.LogTail.PageSize;
        var items = await ReadAsync(sub, total);
        Assert.DoesNotContain(items, i => i.Lagged);
        Assert.Equal((0L, 0L), (broker.DroppedCount, broker.LaggedCount));
        Assert.Equal(Enumerable.Range(0, total).Select(i => $"evt_{i}"), items.Select(i => i.Event!.Id));
    }

    [Fact]
    public async Task Resume_after_a_known_id_continues_exactly_and_an_unknown_id_gets_one_gap()
    {
        var (store, broker) = Create(queue: 16);
        await AppendAsync(store, 0, 300);
        await broker.InitializeAsync(default);
        foreach (var missed in new[] { 1, 255 })
        {
            await using var sub = await broker.SubscribeAsync($"evt_{299 - missed}", default);
            var items = await ReadAsync(sub, missed);
            Assert.Equal(Enumerable.Range(300 - missed, missed).Select(i => $"evt_{i}"), items.Select(i => i.Event!.Id));
        }
        await using var lost = await broker.SubscribeAsync("evt_pruned_long_ago", default);
        var replay = await ReadAsync(lost, 1 + EventBroker.ReplayWindow);
        Assert.Equal(EventTypes.StreamReplayGap, replay[0].Event!.Type);
        Assert.Single(replay, i => i.Event!.Type == EventTypes.StreamReplayGap);
        Assert.Equal("evt_299", replay[^1].Event!.Id);
    }

    [Fact]
    public async Task Live_subscribers_get_only_new_events_in_order()
    {
        var (store, broker) = Create(queue: 64);
        await AppendAsync(store, 0, 5);
        await broker.InitializeAsync(default);
        await using var sub = await broker.SubscribeAsync(null, default);
        await AppendAsync(store, 5, 3);
        var items = await ReadAsync(sub, 3);
        Assert.Equal(["evt_5", "evt_6", "evt_7"], items.Select(i => i.Event!.Id));
    }
}
