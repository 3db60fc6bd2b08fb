using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;

namespace Moltnet.Grains.Tests.Runtime;

public sealed class GrainStateTests
{
    [Fact]
    public async Task A_write_based_on_a_stale_version_is_refused_and_leaves_state_as_is()
    {
        var storage = new InMemoryGrainStorage();
        await using var first = new RuntimeHarness(storage);
        await using var second = new RuntimeHarness(storage);
        var a = first.Counter("shared");
        var b = second.Counter("shared");
        Assert.Equal(1, await a.IncrementAsync());
        Assert.Equal(1, await b.GetVersionAsync()); // both activations loaded version 1

        Assert.Equal(2, await a.IncrementAsync());
        await Assert.ThrowsAsync<StaleStateException>(async () => await b.IncrementAsync());

        Assert.Equal(1, await b.GetVersionAsync());
        Assert.Equal(2, await b.GetAsync()); // its own unsaved increment
        Assert.Equal(2, await b.ReloadAsync());
        Assert.Equal(3, await b.IncrementAsync());
        Assert.Equal(3, (await storage.ReadAsync("counter", "shared", CancellationToken.None)).Version);
    }

    [Fact]
    public async Task Clearing_state_deletes_it_from_storage()
    {
        await using var harness = new RuntimeHarness();
        var grain = harness.Counter("gone");
        await grain.AddAsync(9);

        await grain.ResetAsync();
        await grain.DeactivateAsync();
        await harness.Probe.WaitAsync("deactivated:gone:1");

        Assert.Equal((null, 0), await harness.Storage.ReadAsync("counter", "gone", CancellationToken.None));
        Assert.Equal(0, await grain.GetAsync());
        await grain.AddAsync(1);
        Assert.Equal(1, await grain.GetVersionAsync());
    }

    [Fact]
    public async Task In_memory_storage_enforces_versions()
    {
        var storage = new InMemoryGrainStorage();
        var none = CancellationToken.None;

        Assert.Equal(1, await storage.WriteAsync("t", "k", "{}", 0, none));
        await Assert.ThrowsAsync<StaleStateException>(() => storage.WriteAsync("t", "k", "{}", 0, none));
        Assert.Equal(2, await storage.WriteAsync("t", "k", "{\"a\":1}", 1, none));
        await Assert.ThrowsAsync<StaleStateException>(() => storage.WriteAsync("t", "k", null, 1, none));
        Assert.Equal(("{\"a\":1}", 2L), await storage.ReadAsync("t", "k", none));
        Assert.Equal(0, await storage.WriteAsync("t", "k", null, 2, none));
        Assert.Equal((null, 0L), await storage.ReadAsync("t", "k", none));
        Assert.Equal((null, 0L), await storage.ReadAsync("t", "other", none));
    }
}
