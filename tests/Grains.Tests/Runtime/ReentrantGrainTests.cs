using Microsoft.Extensions.DependencyInjection;
using Moltnet.Grains.Runtime;
using Moltnet.Runtime;

namespace Moltnet.Grains.Tests.Runtime;

public interface IMeetingGrain : IGrainWithStringKey
{
    Task<int> MeetAsync(CancellationToken ct);
}

[Reentrant]
public sealed class MeetingGrain(Barrier barrier) : Grain, IMeetingGrain
{
    public Task<int> MeetAsync(CancellationToken ct) => Task.Run(() => barrier.SignalAndWait(TimeSpan.FromSeconds(10)) ? 1 : 0, ct);
}

public sealed class ReentrantGrainTests
{
    [Fact]
    public async Task Calls_on_a_reentrant_grain_interleave()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new Barrier(2));
        services.AddSingleton<TimeProvider>(new ManualTimeProvider());
        services.AddGrainRuntime(b => b.AddGrain<IMeetingGrain, MeetingGrain>());
        await using var provider = services.BuildServiceProvider();
        var grain = provider.GetRequiredService<IGrainFactory>().GetGrain<IMeetingGrain>("one");
        // Both calls must be inside the grain at once to pass the barrier; serialized calls would time out.
        var results = await Task.WhenAll(grain.MeetAsync(default), grain.MeetAsync(default));
        Assert.Equal([1, 1], results);
    }
}
