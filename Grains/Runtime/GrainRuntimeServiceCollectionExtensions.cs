using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moltnet.Runtime;

namespace Moltnet.Grains.Runtime;

public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>Registers the grain runtime as the singleton <see cref="IGrainFactory"/> (and <see cref="GrainRuntime"/>).
    /// May be called more than once; registrations accumulate.</summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, Action<GrainRuntimeBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(GrainRegistry))?.ImplementationInstance as GrainRegistry;
        if (registry is null)
        {
            registry = new GrainRegistry();
            services.AddSingleton(registry);
        }

        services.AddOptions<GrainRuntimeOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new GrainRuntime(
            sp,
            sp.GetRequiredService<GrainRegistry>(),
            sp.GetRequiredService<IOptions<GrainRuntimeOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<GrainRuntime>() ?? NullLogger<GrainRuntime>.Instance));
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());

        configure(new GrainRuntimeBuilder(services, registry));
        return services;
    }
}
