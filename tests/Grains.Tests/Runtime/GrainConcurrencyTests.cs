using System.Text.Json;

namespace Moltnet.Grains.Tests.Runtime;

public sealed class GrainConcurrencyTests
{
    [Fact]
    public async Task Concurrent_calls_on_one_grain_are_serialized_and_none_is_lost()
    {
        await using var harness = new RuntimeHarness();
        var grain = harness.Counter("busy");

        var results = await Task.WhenAll(Enumerable.Range(0, 1000)
            .Select(_ => Task.Run(async () => await grain.IncrementAsync())));

        Assert.Equal(1, harness.Probe.MaxInFlight);
        Assert.Equal(Enumerable.Range(1, 1000), results.Order());
        Assert.Equal(1000, await grain.GetAsync());
        var (json, version) = await harness.Storage.ReadAsync("counter", "busy", CancellationToken.None);
        Assert.Equal(1000, version);
        Assert.Equal(1000, JsonSerializer.Deserialize(json!, TestJsonContext.Default.CounterState)!.Count);
        Assert.Equal(1, harness.Runtime.TotalActivations);
    }

    [Fact]
    public async Task Different_grains_run_in_parallel()
    {
        await using var harness = new RuntimeHarness();

        // Each call waits at a barrier until the other grain's call reaches it too (10 s timeout instead of a hang).
        await Task.WhenAll(harness.Counter("a").MeetAsync(), harness.Counter("b").MeetAsync());

        Assert.Equal(2, harness.Runtime.ActiveCount);
    }

    [Fact]
    public async Task A_call_queued_behind_a_deactivation_runs_on_a_fresh_activation()
    {
        await using var harness = new RuntimeHarness();
        var grain = harness.Counter("racy");
        await grain.AddAsync(5);
        harness.Probe.DeactivationGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await grain.DeactivateAsync();
        await harness.Probe.WaitAsync("deactivating:racy:1");
        var call = grain.GetAsync();
        Assert.False(call.IsCompleted); // the deactivation holds the turn
        harness.Probe.DeactivationGate.SetResult();

        Assert.Equal(5, await call);
        Assert.Equal(1, harness.Probe.Count("deactivated:racy"));
        Assert.Equal(2, harness.Probe.Count("activated:racy"));
        Assert.Equal(1, harness.Runtime.ActiveCount);
    }

    [Fact]
    public async Task A_call_that_looked_up_an_activation_retired_before_it_queued_retries_on_a_fresh_one()
    {
        await using var harness = new RuntimeHarness();
        var grain = harness.Counter("late");
        await grain.AddAsync(5);
        using var gate = new ManualResetEventSlim();
        var lookups = 0;
        harness.Runtime.AfterLookup = _ =>
        {
            if (Interlocked.Increment(ref lookups) == 1)
            {
                harness.Probe.Signal("looked-up");
                Assert.True(gate.Wait(TimeSpan.FromSeconds(10)));
            }
        };

        var call = Task.Run(() => grain.GetAsync());
        await harness.Probe.WaitAsync("looked-up");
        await harness.Runtime.DeactivateAllAsync(); // the entry the call holds drains and retires
        gate.Set();

        Assert.Equal(5, await call);
        Assert.Equal(2, lookups);
        Assert.Equal(2, harness.Probe.Count("activated:late"));
    }

    [Fact]
    public async Task Calls_racing_repeated_deactivations_never_fail()
    {
        await using var harness = new RuntimeHarness();
        var grain = harness.Counter("churn");

        for (var round = 0; round < 200; round++)
        {
            await Task.WhenAll(
                Task.Run(() => grain.DeactivateAsync()),
                Task.Run(async () => await grain.IncrementAsync()),
                Task.Run(async () => await grain.IncrementAsync()),
                Task.Run(() => grain.DeactivateAsync()));
        }

        Assert.Equal(400, await grain.GetAsync());
        Assert.Equal(1, harness.Probe.MaxInFlight);
        Assert.True(harness.Runtime.TotalActivations > 1);
    }

    [Fact]
    public async Task Calls_racing_the_idle_sweep_never_fail()
    {
        await using var harness = new RuntimeHarness(configure: o =>
        {
            o.CollectionAge = TimeSpan.FromSeconds(1);
            o.CollectionQuantum = TimeSpan.FromSeconds(1);
        });
        var grain = harness.Counter("swept");

        for (var round = 0; round < 200; round++)
        {
            await Task.WhenAll(
                Task.Run(() => harness.Time.Advance(TimeSpan.FromSeconds(2))),
                Task.Run(async () => await grain.IncrementAsync()),
                Task.Run(async () => await grain.IncrementAsync()));
        }

        Assert.Equal(400, await grain.GetAsync());
        Assert.Equal(1, harness.Probe.MaxInFlight);
    }
}
