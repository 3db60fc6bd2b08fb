using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moltnet.Runtime;

namespace Moltnet.Grains.Runtime;

/// <summary>Configures the grain runtime inside <see cref="GrainRuntimeServiceCollectionExtensions.AddGrainRuntime"/>.</summary>
public sealed class GrainRuntimeBuilder
{
    private readonly GrainRegistry _registry;

    internal GrainRuntimeBuilder(IServiceCollection services, GrainRegistry registry)
    {
        Services = services;
        _registry = registry;
    }

    public IServiceCollection Services { get; }

    /// <summary>Registers <typeparamref name="TImplementation"/> as the grain behind <typeparamref name="TInterface"/>.
    /// <paramref name="grainType"/> names the grain type in storage and logs (default: the class name); keep it stable
    /// once state is persisted.</summary>
    public GrainRuntimeBuilder AddGrain<TInterface, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(
        string? grainType = null)
        where TInterface : IGrainWithStringKey
        where TImplementation : Grain, TInterface
    {
        _registry.Add(typeof(TInterface), typeof(TImplementation), grainType);
        return this;
    }

    /// <summary>Changes <see cref="GrainRuntimeOptions"/>.</summary>
    public GrainRuntimeBuilder Configure(Action<GrainRuntimeOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }

    /// <summary>Keeps grain state in process memory (tests, the <c>memory</c> store kind).</summary>
    public GrainRuntimeBuilder UseInMemoryStorage()
    {
        Services.RemoveAll<IGrainStorage>();
        Services.AddSingleton<IGrainStorage, InMemoryGrainStorage>();
        return this;
    }

    /// <summary>Keeps grain state in the registered <see cref="Storage.IMoltnetStore"/>.</summary>
    public GrainRuntimeBuilder UseStoreStorage()
    {
        Services.RemoveAll<IGrainStorage>();
        Services.AddSingleton<IGrainStorage, StoreGrainStorage>();
        return this;
    }
}
