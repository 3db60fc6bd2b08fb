using Moltnet.Runtime;

namespace Moltnet.Grains.Tests.Runtime;

public sealed class GrainLifecycleTests
{
    [Fact]
    public async Task A_failed_activation_reaches_the_caller_and_the_next_call_activates_again()
    {
        await using var harness = new RuntimeHarness();
        harness.Probe.FailNextActivations(1);
        var grain = harness.Counter("fragile");

        await Assert.ThrowsAsync<ActivationTestException>(() => grain.AddAsync(1));
        Assert.Equal(0, harness.Runtime.ActiveCount);

        await grain.AddAsync(2);
        Assert.Equal(2, await grain.GetAsync());
        Assert.Equal(2, harness.Probe.Count("attempt:fragile"));
        Assert.Equal(1, harness.Probe.Count("activated:fragile"));
        Assert.Equal(1, harness.Runtime.ActiveCount);
        Assert.Equal(1, harness.Runtime.TotalActivations);
    }

    [Fact]
    public async Task An_idle_grain_is_deactivated_by_the_sweep_and_comes_back_with_its_state()
    {
        await using var harness = new RuntimeHarness(configure: o =>
        {
            o.CollectionAge = TimeSpan.FromMinutes(1);
            o.CollectionQuantum = TimeSpan.FromSeconds(10);
        });
        await harness.Counter("idle").AddAsync(5);
        await harness.Counter("busy").AddAsync(7);

        harness.Time.Advance(TimeSpan.FromSeconds(40)); // nobody idle for a minute yet
        await harness.Counter("busy").GetAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(30)); // "idle" idle 70 s, "busy" 30 s

        await harness.Probe.WaitAsync("deactivated:idle:1");
        Assert.Equal(5, await harness.Counter("idle").GetAsync());
        Assert.Equal(2, harness.Probe.Count("activated:idle"));
        Assert.Equal(7, await harness.Counter("busy").GetAsync());
        Assert.Equal(1, harness.Probe.Count("activated:busy"));
        Assert.Equal(0, harness.Probe.Count("deactivating:busy"));
        Assert.Equal(2, harness.Runtime.ActiveCount);
        Assert.Equal(3, harness.Runtime.TotalActivations);
    }

    [Fact]
    public async Task DeactivateOnIdle_deactivates_after_the_call_and_state_survives()
    {
        await using var harness = new RuntimeHarness();
        var grain = harness.Counter("once");
        await grain.AddAsync(3);

        await grain.DeactivateAsync();
        await harness.Probe.WaitAsync("deactivated:once:1");

        Assert.Equal(3, await grain.GetAsync());
        Assert.Equal(1, await grain.GetVersionAsync());
        Assert.Equal(2, harness.Probe.Count("activated:once"));
    }

    [Fact]
    public async Task Dispose_deactivates_everything_and_refuses_new_calls()
    {
        var harness = new RuntimeHarness();
        var keys = new[] { "x", "y", "z" };
        foreach (var key in keys)
        {
            await harness.Counter(key).AddAsync(1);
        }

        var grain = harness.Counter("x");
        await harness.Runtime.DisposeAsync();

        Assert.All(keys, key => Assert.Equal(1, harness.Probe.Count($"deactivated:{key}")));
        Assert.Equal(0, harness.Runtime.ActiveCount);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => grain.GetAsync());
        Assert.Throws<ObjectDisposedException>(() => harness.Factory.GetGrain<ICounterGrain>("new"));
        await harness.DisposeAsync();
    }

    [Fact]
    public async Task DeactivateAll_lets_grains_activate_again_later()
    {
        await using var harness = new RuntimeHarness();
        await harness.Counter("k").AddAsync(4);

        await harness.Runtime.DeactivateAllAsync();

        Assert.Equal(0, harness.Runtime.ActiveCount);
        Assert.Equal(4, await harness.Counter("k").GetAsync());
        Assert.Equal(2, harness.Probe.Count("activated:k"));
    }

    [Fact]
    public async Task An_unregistered_grain_interface_is_a_clear_error()
    {
        await using var harness = new RuntimeHarness();

        var error = Assert.Throws<InvalidOperationException>(() => harness.Factory.GetGrain<IUnregisteredGrain>("x"));

        Assert.Contains(nameof(IUnregisteredGrain), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grain_interface_with_a_synchronous_method_is_refused_at_registration()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() =>
            Grains.Runtime.GrainRuntimeServiceCollectionExtensions.AddGrainRuntime(services, b => b.AddGrain<IBadGrain, BadGrain>()));

        Assert.Contains(nameof(IBadGrain.NotAsync), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stateless_grains_need_no_storage_and_can_call_other_grains()
    {
        await using var harness = new RuntimeHarness(withStorage: false);

        Assert.Equal("p->q", await harness.Factory.GetGrain<IPingGrain>("p").PingAsync("q"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Counter("p").AddAsync(1));
        Assert.Same(harness.Factory.GetGrain<IPingGrain>("p"), harness.Factory.GetGrain<IPingGrain>("p"));
        Assert.IsAssignableFrom<IGrainWithStringKey>(harness.Factory.GetGrain<IPingGrain>("q"));
    }
}
