using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging.Abstractions;
using Moltnet.Cluster;
using Moltnet.Configuration;
using Moltnet.Grains.Domain;
using Moltnet.Grains.Events;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Tests.Cluster;

/// <summary>The replica's feed from the shared log (<see cref="LogTail"/>), over the memory store standing in for the
/// log: here the store's commits do not reach the tail (as another replica's would not), only what the tests say.</summary>
public sealed class LogTailTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private sealed record Setup(MemoryStore Store, EventBroker Broker, LogTail Tail);

    /// <param name="readThrough">The store the tail reads through (by default the memory store itself).</param>
    /// <param name="subscriberQueue">Events a subscription may have waiting before it lags.</param>
    private static async Task<Setup> CreateAsync(Func<MemoryStore, IMoltnetStore>? readThrough = null, int subscriberQueue = 64)
    {
        var store = new MemoryStore();
        var broker = new EventBroker(store, new NetworkContext(MoltnetConfig.Default, TimeProvider.System), new BrokerOptions(subscriberQueue));
        var tail = new LogTail(readThrough?.Invoke(store) ?? store, broker, TimeProvider.System, NullLogger<LogTail>.Instance);
        await tail.CatchUpAsync(Ct); // the first catch-up asks the store how far the (empty) log is durable
        return new Setup(store, broker, tail);
    }

    private static Event E(int i) => new() { Id = $"evt_{i}", Type = "agent.connected", NetworkId = "local", CreatedAt = DateTimeOffset.UnixEpoch };

    private static async Task<IReadOnlyList<StoredEvent>> CommitAsync(MemoryStore store, int from, int count) =>
        await store.AppendEventsAsync([.. Enumerable.Range(from, count).Select(E)], Ct);

    [Fact]
    public async Task Delivers_only_up_to_the_newest_cursor_announced_as_durable()
    {
        var (store, broker, tail) = await CreateAsync();
        var log = await CommitAsync(store, 1, 8); // committed by other writers, visible, not yet announced

        await tail.CatchUpAsync(Ct);
        Assert.Equal(0, broker.LastPublishedCursor);

        tail.Notified(log[4].Cursor);
        await tail.CatchUpAsync(Ct);
        Assert.Equal(log[4].Cursor, broker.LastPublishedCursor);

        tail.Notified(log[^1].Cursor);
        await tail.CatchUpAsync(Ct);
        Assert.Equal(log[^1].Cursor, broker.LastPublishedCursor);
        Assert.Equal(2, tail.CatchUps);
    }

    [Fact]
    public async Task A_refresh_asks_the_store_how_far_the_log_is_durable()
    {
        var (store, broker, tail) = await CreateAsync();
        var log = await CommitAsync(store, 1, 3); // no notification arrived (the listener was down)

        tail.Refresh();
        await tail.CatchUpAsync(Ct);
        Assert.Equal(log[^1].Cursor, broker.LastPublishedCursor);
        Assert.Equal(log[^1].Cursor, tail.DurableCursor);
    }

    [Fact]
    public async Task Local_commits_raise_the_watermark_and_pass_earlier_remote_ones_through_the_log()
    {
        var (store, broker, tail) = await CreateAsync();
        var remote = await CommitAsync(store, 1, 2); // another replica's, announced to nobody yet
        var local = await CommitAsync(store, 3, 2);  // ours, after theirs: durable, and so is theirs

        tail.OnCommitted(local);
        Assert.Equal(0, broker.LastPublishedCursor); // not in order: the tail reads the earlier ones from the log
        await tail.CatchUpAsync(Ct);
        Assert.Equal(local[^1].Cursor, broker.LastPublishedCursor);
        Assert.Equal(remote.Count, tail.EventsRead); // ours came from memory
        Assert.Equal(remote[0].Cursor, (await store.ReadEventsAsync(0, local[^1].Cursor, 1, Ct))[0].Cursor);

        var next = await CommitAsync(store, 5, 1);
        tail.OnCommitted(next); // in order: straight to the broker
        Assert.Equal(next[0].Cursor, broker.LastPublishedCursor);
        Assert.Equal(1, tail.CatchUps);
    }

    [Fact]
    public async Task A_notification_from_the_replicas_own_writer_raises_the_watermark_without_a_read()
    {
        var (store, broker, tail) = await CreateAsync();
        var own = await CommitAsync(store, 1, 2);

        tail.Notified(own[^1].Cursor, ownWriter: true);
        Assert.Equal(own[^1].Cursor, tail.DurableCursor);
        Assert.Equal(0, broker.LastPublishedCursor); // the commit itself reaches the tail through OnCommitted
        tail.OnCommitted(own);
        Assert.Equal(own[^1].Cursor, broker.LastPublishedCursor);
        Assert.Equal(0, tail.CatchUps);
    }

    [Fact]
    public async Task A_local_commit_between_remote_ones_is_delivered_in_order_without_reading_it_back()
    {
        var (store, broker, tail) = await CreateAsync();
        await using var sub = await broker.SubscribeAsync(null, Ct);
        await CommitAsync(store, 1, 2);              // another replica's
        var local = await CommitAsync(store, 3, 2);  // ours
        var later = await CommitAsync(store, 5, 2);  // another replica's, after ours

        tail.OnCommitted(local);
        tail.Notified(later[^1].Cursor);
        await tail.CatchUpAsync(Ct);

        Assert.Equal(later[^1].Cursor, broker.LastPublishedCursor);
        Assert.Equal(4, tail.EventsRead); // the two before ours and the two after: a read each
        Assert.Equal(2, tail.CatchUps);
        var received = await ReadAsync(sub, 6);
        Assert.Equal(["evt_1", "evt_2", "evt_3", "evt_4", "evt_5", "evt_6"], received);
    }

    [Fact]
    public async Task A_local_commit_a_log_read_delivered_first_does_not_hold_back_the_next_one()
    {
        var (store, broker, tail) = await CreateAsync();
        await using var sub = await broker.SubscribeAsync(null, Ct);
        await CommitAsync(store, 1, 2);
        var local = await CommitAsync(store, 3, 2);
        tail.Notified(local[^1].Cursor); // announced (and read) before the writer's own callback got here
        await tail.CatchUpAsync(Ct);
        Assert.Equal(local[^1].Cursor, broker.LastPublishedCursor);

        tail.OnCommitted(local); // nothing left to deliver
        var next = await CommitAsync(store, 5, 1);
        tail.OnCommitted(next); // in order: straight to the broker, no read
        Assert.Equal(next[0].Cursor, broker.LastPublishedCursor);
        Assert.Equal(1, tail.CatchUps);
        Assert.Equal(["evt_1", "evt_2", "evt_3", "evt_4", "evt_5"], await ReadAsync(sub, 5));
    }

    [Fact]
    public async Task A_local_commit_that_arrives_while_a_read_is_in_flight_waits_for_it_and_follows_in_order()
    {
        PausedReads paused = null!;
        var (store, broker, tail) = await CreateAsync(s => (paused = PausedReads.Over(s)).Store);
        await using var sub = await broker.SubscribeAsync(null, Ct);
        var remote = await CommitAsync(store, 1, 2);
        tail.Notified(remote[^1].Cursor);
        var reading = tail.CatchUpAsync(Ct);
        await paused.Started.Task; // the read is on its way: up to the remote commit only

        var local = await CommitAsync(store, 3, 2);
        tail.OnCommitted(local); // after a gap the broker has not closed yet: waits in memory
        Assert.Equal(0, broker.LastPublishedCursor);
        paused.Gate.SetResult();
        await reading;

        Assert.Equal(local[^1].Cursor, broker.LastPublishedCursor);
        Assert.Equal(remote.Count, tail.EventsRead); // ours came from memory, after theirs
        Assert.Equal(["evt_1", "evt_2", "evt_3", "evt_4"], await ReadAsync(sub, 4));
    }

    [Fact]
    public async Task A_read_in_flight_that_returns_a_local_commit_first_delivers_it_once()
    {
        PausedReads paused = null!;
        var (store, broker, tail) = await CreateAsync(s => (paused = PausedReads.Over(s)).Store);
        await using var sub = await broker.SubscribeAsync(null, Ct);
        await CommitAsync(store, 1, 2);              // another replica's
        var local = await CommitAsync(store, 3, 2);  // ours
        var later = await CommitAsync(store, 5, 2);  // another replica's, announced before ours reached the tail
        tail.Notified(later[^1].Cursor);
        var reading = tail.CatchUpAsync(Ct);
        await paused.Started.Task; // reads up to the later commit, ours included

        tail.OnCommitted(local); // waits in memory: the read in flight delivers it first, so it is dropped then
        paused.Gate.SetResult();
        await reading;
        var next = await CommitAsync(store, 7, 1);
        tail.OnCommitted(next); // nothing is left waiting: straight to the broker

        Assert.Equal(next[0].Cursor, broker.LastPublishedCursor);
        Assert.Equal(1, tail.CatchUps);
        Assert.Equal(["evt_1", "evt_2", "evt_3", "evt_4", "evt_5", "evt_6", "evt_7"], await ReadAsync(sub, 7));
    }

    [Fact]
    public async Task Local_commits_past_the_waiting_bound_are_read_from_the_log_instead()
    {
        var (store, broker, tail) = await CreateAsync(subscriberQueue: 2048);
        await using var sub = await broker.SubscribeAsync(null, Ct);
        await CommitAsync(store, 1, 1); // another replica's, not read yet: every local commit after it waits
        var locals = new List<IReadOnlyList<StoredEvent>>();
        for (var i = 2; i <= 1026; i++) locals.Add(await CommitAsync(store, i, 1));

        foreach (var local in locals) tail.OnCommitted(local); // the 1,025th finds 1,024 waiting: they are let go
        await tail.CatchUpAsync(Ct);

        Assert.Equal(locals[^1][0].Cursor, broker.LastPublishedCursor);
        Assert.Equal(1 + 1024, tail.EventsRead); // the remote one and the let-go ones; the last came from memory
        var received = await ReadAsync(sub, 1026);
        Assert.Equal(Enumerable.Range(1, 1026).Select(i => $"evt_{i}"), received);
    }

    /// <summary>A store whose log reads (<see cref="IMoltnetStore.ReadEventsAsync"/>) wait for <see cref="Gate"/>;
    /// everything else goes straight to the memory store. The read happens when the gate opens, so it sees what was
    /// committed by then, as a query that reaches the database late would.</summary>
    public class PausedReads : DispatchProxy
    {
        private MemoryStore _inner = null!;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>This proxy as the store it stands in for.</summary>
        public IMoltnetStore Store => (IMoltnetStore)(object)this;

        /// <summary>A proxy over <paramref name="inner"/>.</summary>
        public static PausedReads Over(MemoryStore inner)
        {
            var paused = (PausedReads)(object)Create<IMoltnetStore, PausedReads>();
            paused._inner = inner;
            return paused;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args) =>
            method!.Name == nameof(IMoltnetStore.ReadEventsAsync) ? ReadAsync(method, args) : Call(method, args);

        private async Task<IReadOnlyList<StoredEvent>> ReadAsync(MethodInfo method, object?[]? args)
        {
            Started.TrySetResult();
            await Gate.Task;
            return await (Task<IReadOnlyList<StoredEvent>>)Call(method, args)!;
        }

        private object? Call(MethodInfo method, object?[]? args)
        {
            try
            {
                return method.Invoke(_inner, args);
            }
            catch (TargetInvocationException e)
            {
                ExceptionDispatchInfo.Throw(e.InnerException!);
                throw;
            }
        }
    }

    /// <summary>The ids of the first <paramref name="count"/> events the subscription receives.</summary>
    private static async Task<string[]> ReadAsync(IEventSubscription sub, int count)
    {
        var ids = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var item in sub.ReadAllAsync(cts.Token))
        {
            Assert.False(item.Lagged);
            if (item.Event is { } e) ids.Add(e.Id);
            if (ids.Count == count) break;
        }
        return [.. ids];
    }
}
