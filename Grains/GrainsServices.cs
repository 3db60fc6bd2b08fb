using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Moltnet.Cluster;
using Moltnet.Configuration;
using Moltnet.Grains.Domain;
using Moltnet.Grains.Domain.Messaging;
using Moltnet.Grains.Domain.Pairings;
using Moltnet.Grains.Events;
using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;

namespace Moltnet.Grains;

/// <summary>Registers the store, the grain runtime and every grain of the network.</summary>
public static class GrainsServices
{
    public static IServiceCollection AddMoltnetGrains(this IServiceCollection services, MoltnetConfig config, string baseDirectory)
    {
        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<NetworkContext>();
        services.AddMetrics();
        var clustered = ClusterServices.IsClustered(config);
        services.AddSingleton(sp => new Telemetry(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<EventBroker>,
            sp.GetRequiredService<GrainRuntime>, sp.GetRequiredService<StoreHealthProbe>, clustered ? sp.GetRequiredService<LogTail> : null));
        services.AddSingleton(sp => ReplicaIdentity.FromEnvironment(Environment.GetEnvironmentVariable, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var store = StoreFactory.Create(config.Storage, baseDirectory);
            store.Sink = new LazySink(sp);
            if (store is SqliteStore sqlite) sqlite.Telemetry = sp.GetRequiredService<Telemetry>();
            if (store is PostgresStore postgres) postgres.Telemetry = sp.GetRequiredService<Telemetry>();
            return clustered ? new InvalidatingStore(store, sp.GetRequiredService<ClusterCacheInvalidator>) : store;
        });
        services.AddSingleton(sp => new MessageIdLookahead(sp.GetRequiredService<IMoltnetStore>().MessageExistsAsync,
            ahead: config.Storage.Kind == StorageKinds.Postgres));
        services.AddSingleton<IMessageIdLookahead>(sp => sp.GetRequiredService<MessageIdLookahead>());
        services.AddSingleton(new BrokerOptions(config.Limits.SubscriberQueue));
        services.AddSingleton<EventBroker>();
        services.AddSingleton<IEventFeed>(sp => sp.GetRequiredService<EventBroker>());
        services.AddHostedService<EventLogPruner>();
        services.AddSingleton<StoreHealthProbe>();
        services.AddSingleton<IHealthProbe>(sp => sp.GetRequiredService<StoreHealthProbe>());
        services.AddSingleton<PresenceRegistry>();
        services.AddSingleton<IAttachmentEvents, AttachmentEvents>();
        if (clustered) services.AddPostgresCluster(config);
        else services.AddLocalCluster();
        services.AddSingleton<NetworkBootstrap>();
        services.AddSingleton<RemoteClient>();
        services.AddSingleton<RelaySignal>();
        services.AddHostedService<PairingWorker>();
        services.AddGrainRuntime(grains => grains
            .AddGrain<IRoomGrain, RoomGrain>()
            .AddGrain<INetworkGrain, NetworkGrain>()
            .AddGrain<IHistoryGrain, HistoryGrain>()
            .AddGrain<IConversationGrain, ConversationGrain>()
            .AddGrain<IAgentGrain, Domain.Agents.AgentGrain>()
            .AddGrain<IRegistryGrain, Domain.Agents.RegistryGrain>()
            .AddGrain<IPairingGrain, PairingGrain>()
            .AddGrain<IPairingsGrain, PairingsGrain>()
            .AddGrain<INodeGrain, Domain.RemoteNodes.NodeGrain>()
            .AddGrain<INodeInventoryGrain, Domain.RemoteNodes.NodeInventoryGrain>());
        return services;
    }

    /// <summary>Forwards commits to the broker, resolved on first use (the broker itself needs the store); in a cluster,
    /// to the <see cref="LogTail"/> that orders local and remote commits for the broker.</summary>
    private sealed class LazySink(IServiceProvider services) : IEventSink
    {
        private IEventSink? _sink;

        public void OnCommitted(IReadOnlyList<StoredEvent> events) =>
            (_sink ??= (IEventSink?)services.GetService<LogTail>() ?? services.GetRequiredService<EventBroker>()).OnCommitted(events);
    }

    /// <summary>True for failures that mean the store cannot answer now (the web layer says 503).</summary>
    public static bool IsStoreUnavailable(Exception e) => e is StoreUnavailableException;
}
