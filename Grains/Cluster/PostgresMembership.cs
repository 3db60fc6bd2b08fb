using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Moltnet.Cluster;

/// <summary>Membership in <c>cluster_members</c>: this replica upserts its row (id, address, start time, connection counts)
/// every <see cref="HeartbeatInterval"/>, stamped with the database clock; rows older than <see cref="StaleAfter"/> are
/// not listed and are deleted by whoever heartbeats next. On a clean stop the replica deletes its own row.</summary>
public sealed partial class PostgresMembership(PostgresClusterDb db, ReplicaIdentity replica, IServiceProvider services, TimeProvider time,
    ILogger<PostgresMembership> log) : BackgroundService, IClusterMembership
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(15);

    private IConnectionCounts? Counts => services.GetService<IConnectionCounts>();

    /// <summary>Live replicas; this replica's row shows its counts as of now rather than as of its last heartbeat.</summary>
    public async Task<IReadOnlyList<ReplicaInfo>> ListAsync(CancellationToken ct)
    {
        var rows = await ReadAsync(ct);
        var now = Counts?.Current();
        return [.. rows.Select(r => r.Id == replica.Id && now is not null ? r with { Connections = now } : r)];
    }

    private Task<List<ReplicaInfo>> ReadAsync(CancellationToken ct) =>
        db.QueryAsync("""
            SELECT replica_id, address, started_at, heartbeat_at, sse, attach, nodes FROM cluster_members
            WHERE heartbeat_at >= clock_timestamp() - @p0 ORDER BY replica_id
            """, r => new ReplicaInfo(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1),
                new DateTimeOffset(r.GetDateTime(2), TimeSpan.Zero), new DateTimeOffset(r.GetDateTime(3), TimeSpan.Zero),
                new ConnectionCounts(r.GetInt32(4), r.GetInt32(5), r.GetInt32(6))), ct, StaleAfter);

    /// <summary>Writes this replica's row now.</summary>
    public async Task HeartbeatAsync(CancellationToken ct)
    {
        var c = Counts?.Current() ?? new ConnectionCounts(0, 0, 0);
        await db.ExecuteAsync("""
            INSERT INTO cluster_members (replica_id, address, started_at, heartbeat_at, sse, attach, nodes)
            VALUES (@p0, @p1, @p2, clock_timestamp(), @p3, @p4, @p5)
            ON CONFLICT (replica_id) DO UPDATE SET address = EXCLUDED.address, started_at = EXCLUDED.started_at,
                heartbeat_at = EXCLUDED.heartbeat_at, sse = EXCLUDED.sse, attach = EXCLUDED.attach, nodes = EXCLUDED.nodes
            """, ct, replica.Id, replica.Address, replica.StartedAt, c.Sse, c.Attach, c.Nodes);
        await db.ExecuteAsync("DELETE FROM cluster_members WHERE heartbeat_at < clock_timestamp() - @p0", ct, StaleAfter * 4);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await HeartbeatAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                HeartbeatFailed(log, e);
            }
            try
            {
                await Task.Delay(HeartbeatInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await db.ExecuteAsync("DELETE FROM cluster_members WHERE replica_id = @p0", cancellationToken, replica.Id);
        }
        catch (Exception e)
        {
            HeartbeatFailed(log, e);
        }
    }

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "cluster membership heartbeat failed")]
    private static partial void HeartbeatFailed(ILogger logger, Exception error);
}
