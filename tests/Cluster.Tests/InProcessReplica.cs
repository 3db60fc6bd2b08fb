using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moltnet.Configuration;
using Moltnet.Grains;
using Moltnet.Grains.Domain;

namespace Moltnet.Cluster.Tests;

/// <summary>A replica's grains and cluster services in this process (no HTTP), with replica id <paramref name="id"/>, on
/// a PostgreSQL database: for tests that reach the bus and leases directly.</summary>
public sealed class InProcessReplica : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _started = [];

    private InProcessReplica(ServiceProvider services) => _services = services;

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static async Task<InProcessReplica> StartAsync(string dsn, string id)
    {
        var config = new MoltnetConfig { Storage = new StorageSection { Kind = StorageKinds.Postgres, Postgres = new PostgresSection { Dsn = dsn } } };
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMoltnetGrains(config, Path.GetTempPath());
        services.AddSingleton(new ReplicaIdentity(id, null, DateTimeOffset.UtcNow));
        var replica = new InProcessReplica(services.BuildServiceProvider());
        await replica.Get<NetworkBootstrap>().RunAsync(CancellationToken.None);
        foreach (var hosted in replica._services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            replica._started.Add(hosted);
        }
        return replica;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--) await _started[i].StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}
