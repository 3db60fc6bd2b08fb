using Microsoft.Extensions.DependencyInjection;
using Moltnet.Configuration;
using Moltnet.Grains;
using Moltnet.Grains.Domain;

namespace Moltnet.Cluster;

/// <summary>Registers the cluster parts: PostgreSQL-backed ones when replicas share a PostgreSQL database, in-process ones
/// otherwise (SQLite, memory: one process is the whole network).</summary>
public static class ClusterServices
{
    public static bool IsClustered(MoltnetConfig config) =>
        string.Equals(config.Storage.Kind?.Trim(), StorageKinds.Postgres, StringComparison.OrdinalIgnoreCase)
        && !string.IsNullOrWhiteSpace(config.Storage.Postgres.Dsn);

    public static IServiceCollection AddLocalCluster(this IServiceCollection services)
    {
        services.AddSingleton<IPresence>(sp => sp.GetRequiredService<PresenceRegistry>());
        services.AddSingleton<IClusterBus, LocalClusterBus>();
        services.AddSingleton<ILeases, LocalLeases>();
        services.AddSingleton<IWakeClaims, LocalWakeClaims>();
        services.AddSingleton<IAttachmentClaims, LocalAttachmentClaims>();
        services.AddSingleton<IClusterMembership, LocalMembership>();
        return services;
    }

    public static IServiceCollection AddPostgresCluster(this IServiceCollection services, MoltnetConfig config)
    {
        services.AddSingleton(sp => new PostgresClusterDb(config.Storage.Postgres.Dsn, sp.GetRequiredService<ReplicaIdentity>()));
        services.AddSingleton<PostgresClusterBus>();
        services.AddSingleton<IClusterBus>(sp => sp.GetRequiredService<PostgresClusterBus>());
        services.AddSingleton<PostgresLeases>();
        services.AddSingleton<ILeases>(sp => sp.GetRequiredService<PostgresLeases>());
        services.AddSingleton<IWakeClaims, PostgresWakeClaims>();
        services.AddSingleton<PostgresAttachmentClaims>();
        services.AddSingleton<IAttachmentClaims>(sp => sp.GetRequiredService<PostgresAttachmentClaims>());
        services.AddSingleton<ClusterCacheInvalidator>();
        services.AddSingleton<LogTail>();
        services.AddSingleton<PostgresListener>();
        services.AddSingleton<PostgresMembership>();
        services.AddSingleton<IClusterMembership>(sp => sp.GetRequiredService<PostgresMembership>());
        services.AddSingleton<SharedPresence>();
        services.AddSingleton<IPresence>(sp => sp.GetRequiredService<SharedPresence>());
        services.AddHostedService(sp => sp.GetRequiredService<ClusterCacheInvalidator>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresMembership>());
        services.AddHostedService(sp => sp.GetRequiredService<LogTail>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresListener>());
        services.AddHostedService(sp => sp.GetRequiredService<SharedPresence>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresAttachmentClaims>());
        return services;
    }
}
