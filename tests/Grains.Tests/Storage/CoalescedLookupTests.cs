using Moltnet.Grains.Storage;

namespace Moltnet.Grains.Tests.Storage;

public sealed class CoalescedLookupTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A query the test releases by hand, recording the keys of each call.</summary>
    private sealed class HeldQuery(params string[] stored)
    {
        public List<string[]> Calls { get; } = [];
        public List<TaskCompletionSource> Gates { get; } = [];

        public async Task<IReadOnlyCollection<string>> RunAsync(string[] keys, CancellationToken ct)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (Calls)
            {
                Calls.Add(keys);
                Gates.Add(gate);
            }
            await gate.Task;
            return stored.Where(keys.Contains).ToArray();
        }

        public async Task ReleaseAsync(int call)
        {
            while (true)
            {
                lock (Calls)
                {
                    if (Gates.Count > call)
                    {
                        Gates[call].SetResult();
                        return;
                    }
                }
                await Task.Delay(5, Ct);
            }
        }
    }

    [Fact]
    public async Task Lookups_made_while_a_query_is_out_go_together_in_the_next_one()
    {
        var query = new HeldQuery("b", "d");
        var lookup = new CoalescedLookup(query.RunAsync);

        var first = lookup.ContainsAsync("a", Ct);
        var waiting = new[] { "b", "c", "d", "b" }.Select(k => lookup.ContainsAsync(k, Ct)).ToArray();
        await query.ReleaseAsync(0);
        Assert.False(await first);
        await query.ReleaseAsync(1);

        var found = await Task.WhenAll(waiting);
        Assert.Equal([true, false, true, true], found);
        Assert.Equal([["a"], ["b", "c", "d"]], query.Calls); // one query for the four waiting lookups, each key once
    }

    [Fact]
    public async Task A_failed_query_fails_the_lookups_it_carried_and_the_next_lookup_queries_again()
    {
        var calls = 0;
        var lookup = new CoalescedLookup((keys, _) => ++calls == 1
            ? Task.FromException<IReadOnlyCollection<string>>(new StoreUnavailableException("down"))
            : Task.FromResult<IReadOnlyCollection<string>>(keys));

        await Assert.ThrowsAsync<StoreUnavailableException>(() => lookup.ContainsAsync("a", Ct));
        Assert.True(await lookup.ContainsAsync("a", Ct));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_query_carries_at_most_MaxKeys_keys()
    {
        var query = new HeldQuery();
        var lookup = new CoalescedLookup(query.RunAsync);
        var first = lookup.ContainsAsync("first", Ct);
        var many = Enumerable.Range(0, CoalescedLookup.MaxKeys + 10).Select(i => lookup.ContainsAsync($"k{i}", Ct)).ToArray();
        for (var call = 0; call < 3; call++) await query.ReleaseAsync(call);

        Assert.All(await Task.WhenAll(many.Prepend(first)), Assert.False);
        Assert.Equal([1, CoalescedLookup.MaxKeys, 10], query.Calls.Select(c => c.Length));
    }

    [Fact]
    public async Task A_cancelled_lookup_stops_waiting_without_failing_the_others()
    {
        var query = new HeldQuery("b");
        var lookup = new CoalescedLookup(query.RunAsync);
        var first = lookup.ContainsAsync("a", Ct);
        using var cancel = new CancellationTokenSource();
        var cancelled = lookup.ContainsAsync("b", cancel.Token);
        var other = lookup.ContainsAsync("b", Ct);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await query.ReleaseAsync(0);
        await query.ReleaseAsync(1);
        Assert.False(await first);
        Assert.True(await other);
    }
}
