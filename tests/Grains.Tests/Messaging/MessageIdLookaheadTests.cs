using Moltnet.Grains.Domain.Messaging;

namespace Moltnet.Grains.Tests.Messaging;

public sealed class MessageIdLookaheadTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A store lookup the test answers by hand, recording each id asked for.</summary>
    private sealed class Lookups
    {
        public List<string> Asked { get; } = [];
        public Dictionary<string, TaskCompletionSource<bool>> Answers { get; } = [];

        public Task<bool> ExistsAsync(string id, CancellationToken ct)
        {
            Asked.Add(id);
            var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            Answers[id] = answer;
            return answer.Task;
        }
    }

    [Fact]
    public async Task The_turn_collects_the_lookup_started_ahead_instead_of_asking_again()
    {
        var store = new Lookups();
        var lookahead = new MessageIdLookahead(store.ExistsAsync);
        using (lookahead.Start(" m-1 "))
        {
            Assert.Equal(["m-1"], store.Asked);
            var answer = lookahead.ExistsAsync("m-1", Ct);
            Assert.False(answer.IsCompleted);
            store.Answers["m-1"].SetResult(true);
            Assert.True(await answer);
            Assert.Equal(0, lookahead.Pending);
        }
        Assert.Equal(["m-1"], store.Asked);
        // Collected once: a second check of the id asks the store again.
        var again = lookahead.ExistsAsync("m-1", Ct);
        store.Answers["m-1"].SetResult(false);
        Assert.False(await again);
        Assert.Equal(["m-1", "m-1"], store.Asked);
    }

    [Fact]
    public void A_lookup_the_turn_never_collected_is_dropped_when_the_post_ends()
    {
        var store = new Lookups();
        var lookahead = new MessageIdLookahead(store.ExistsAsync);
        var started = lookahead.Start("m-2");
        Assert.Equal(1, lookahead.Pending);
        started.Dispose();
        Assert.Equal(0, lookahead.Pending);
        store.Answers["m-2"].SetException(new InvalidOperationException("store down")); // observed, not left unobserved
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    [InlineData("not a valid id!")]
    public void Blank_or_invalid_ids_start_nothing(string? id)
    {
        var store = new Lookups();
        var lookahead = new MessageIdLookahead(store.ExistsAsync);
        using (lookahead.Start(id)) Assert.Empty(store.Asked);
        Assert.Equal(0, lookahead.Pending);
    }

    [Fact]
    public async Task Without_lookups_ahead_the_turn_asks_the_store_itself()
    {
        var store = new Lookups();
        var lookahead = new MessageIdLookahead(store.ExistsAsync, ahead: false);
        using (lookahead.Start("m-5")) Assert.Empty(store.Asked);
        var answer = lookahead.ExistsAsync("m-5", Ct);
        store.Answers["m-5"].SetResult(true);
        Assert.True(await answer);
        Assert.Equal(["m-5"], store.Asked);
    }

    [Fact]
    public async Task Concurrent_posts_of_one_id_share_the_first_lookup()
    {
        var store = new Lookups();
        var lookahead = new MessageIdLookahead(store.ExistsAsync);
        using var first = lookahead.Start("m-3");
        using var second = lookahead.Start("m-3");
        Assert.Equal(["m-3"], store.Asked);
        store.Answers["m-3"].SetResult(false);
        Assert.False(await lookahead.ExistsAsync("m-3", Ct));
        Assert.Equal(["m-3"], store.Asked);
    }

    [Fact]
    public async Task A_failed_lookup_fails_the_turn_that_collects_it()
    {
        var store = new Lookups();
        var lookahead = new MessageIdLookahead(store.ExistsAsync);
        using var started = lookahead.Start("m-4");
        store.Answers["m-4"].SetException(new InvalidOperationException("store down"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => lookahead.ExistsAsync("m-4", Ct));
        Assert.Equal("store down", error.Message);
    }
}
