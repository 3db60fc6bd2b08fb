namespace Moltnet.Grains.Tests.Runtime;

public sealed class GrainCallTests
{
    [Fact]
    public async Task Exceptions_reach_the_caller_unchanged_and_the_grain_stays_active()
    {
        await using var harness = new RuntimeHarness();
        var grain = harness.Counter("thrower");

        var async = await Assert.ThrowsAsync<GrainTestException>(() => grain.ThrowAsync("after await"));
        var sync = await Assert.ThrowsAsync<GrainTestException>(() => grain.ThrowSynchronously("before any await"));

        Assert.Equal("after await", async.Message);
        Assert.Equal("before any await", sync.Message);
        Assert.Equal(0, await grain.GetAsync());
        Assert.Equal(1, harness.Probe.Count("activated:thrower"));
    }

    [Fact]
    public async Task Task_ValueTask_and_generic_results_all_work()
    {
        await using var harness = new RuntimeHarness();
        var grain = harness.Counter("shapes");

        await grain.AddAsync(2);                                  // Task
        Assert.Equal(2, await grain.GetAsync());                  // Task<int>
        Assert.Equal(3, await grain.IncrementAsync());            // ValueTask<int>
        Assert.Null(await grain.NothingAsync());                  // ValueTask<string?>, completed synchronously
        Assert.Equal("hi", await grain.EchoAsync("hi"));          // generic method, reference type
        Assert.Equal(42L, await grain.EchoAsync(42L));            // generic method, value type
        Assert.Equal(new DateOnly(2026, 1, 2), await grain.EchoAsync(new DateOnly(2026, 1, 2)));
        await grain.ResetAsync();                                 // ValueTask
        Assert.Equal(0, await grain.GetAsync());
        Assert.Equal(0, await grain.GetVersionAsync());
    }

    [Fact]
    public async Task A_cancellation_token_argument_is_passed_through()
    {
        await using var harness = new RuntimeHarness();
        using var cts = new CancellationTokenSource();

        Assert.True(await harness.Counter("t").TakeTokenAsync(cts.Token));

        Assert.Equal(cts.Token, harness.Probe.LastToken);
    }

    [Fact]
    public async Task A_call_cancelled_while_queued_is_cancelled_without_running()
    {
        await using var harness = new RuntimeHarness();
        var grain = harness.Counter("queue");
        var blocked = grain.BlockAsync();
        await harness.Probe.WaitAsync("blocked:queue");
        using var cts = new CancellationTokenSource();

        var queued = grain.TakeTokenAsync(cts.Token);
        Assert.False(queued.IsCompleted);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        harness.Probe.CallGate.SetResult();
        await blocked;
        Assert.Equal(0, await grain.GetAsync());
        Assert.Equal(0, harness.Probe.Count("token:queue"));
    }

    [Fact]
    public async Task The_callers_execution_context_flows_into_the_call()
    {
        await using var harness = new RuntimeHarness();
        var grain = harness.Counter("ambient");
        await grain.GetAsync(); // activated under another context

        GrainProbe.Ambient.Value = "caller-1";
        var first = await grain.ReadAmbientAsync();
        GrainProbe.Ambient.Value = "caller-2";
        var second = await grain.ReadAmbientAsync();

        Assert.Equal("caller-1", first);
        Assert.Equal("caller-2", second);
    }
}
