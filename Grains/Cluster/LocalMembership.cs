using Microsoft.Extensions.DependencyInjection;

namespace Moltnet.Cluster;

/// <summary>Membership of a single process: itself, heartbeating now.</summary>
public sealed class LocalMembership(ReplicaIdentity replica, IServiceProvider services, TimeProvider time) : IClusterMembership
{
    public Task<IReadOnlyList<ReplicaInfo>> ListAsync(CancellationToken ct)
    {
        var counts = services.GetService<IConnectionCounts>()?.Current() ?? new ConnectionCounts(0, 0, 0);
        IReadOnlyList<ReplicaInfo> list = [new ReplicaInfo(replica.Id, replica.Address, replica.StartedAt, time.GetUtcNow(), counts)];
        return Task.FromResult(list);
    }
}
