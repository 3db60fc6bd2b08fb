using Microsoft.Extensions.DependencyInjection;
using Moltnet.Grains.Runtime;
using Moltnet.Runtime;

namespace Moltnet.Grains.Tests.Runtime;

/// <summary>A grain runtime on its own service provider, with a manual clock, a probe and (by default) in-memory storage.</summary>
public sealed class RuntimeHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public RuntimeHarness(InMemoryGrainStorage? storage = null, bool withStorage = true, Action<GrainRuntimeOptions>? configure = null)
    {
        Storage = storage ?? new InMemoryGrainStorage();
        var services = new ServiceCollection();
        services.AddSingleton(Probe);
        services.AddSingleton<TimeProvider>(Time);
        if (withStorage)
        {
            services.AddSingleton<IGrainStorage>(Storage);
        }

        services.AddGrainRuntime(builder => builder
            .AddGrain<ICounterGrain, CounterGrain>("counter")
            .AddGrain<IPingGrain, PingGrain>()
            .Configure(options => configure?.Invoke(options)));
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Runtime = _services.GetRequiredService<GrainRuntime>();
        Factory = _services.GetRequiredService<IGrainFactory>();
    }

    public GrainProbe Probe { get; } = new();

    public ManualTimeProvider Time { get; } = new();

    public InMemoryGrainStorage Storage { get; }

    public GrainRuntime Runtime { get; }

    public IGrainFactory Factory { get; }

    public ICounterGrain Counter(string key) => Factory.GetGrain<ICounterGrain>(key);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
