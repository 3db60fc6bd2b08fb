using System.Collections.Frozen;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moltnet.Grains;
using Moltnet.Grains.Domain;

namespace Moltnet.Cluster;

/// <summary>
/// Cluster-wide presence (design.md §4): each replica keeps its own sessions in the <see cref="PresenceRegistry"/> and
/// mirrors them into <c>cluster_presence</c> (replica id, agent id, sessions), then publishes <c>presence.changed</c>;
/// replicas refresh their view of the others on that signal and every heartbeat. Rows of replicas that stopped
/// heartbeating are ignored, so a killed replica's agents drop out within the membership stale window.
/// <see cref="ReplicasOf"/> says which replica holds an agent's socket, for routing a call there over the bus.
/// </summary>
public sealed partial class SharedPresence(PresenceRegistry local, PostgresClusterDb db, IClusterBus bus, ReplicaIdentity replica,
    TimeProvider time, ILogger<SharedPresence> log) : BackgroundService, IPresence
{
    public const string Topic = "presence.changed";
    private readonly Channel<(string Agent, int Sessions)> _writes = Channel.CreateUnbounded<(string, int)>(new() { SingleReader = true });
    private readonly SemaphoreSlim _refresh = new(0, 1);
    private volatile FrozenDictionary<string, string[]> _remote = FrozenDictionary<string, string[]>.Empty;

    public bool IsConnected(string agentId) => local.IsConnected(agentId) || _remote.ContainsKey(agentId);

    /// <summary>Replicas holding a live session of <paramref name="agentId"/> (this one first when it does).</summary>
    public IReadOnlyList<string> ReplicasOf(string agentId)
    {
        var others = _remote.TryGetValue(agentId, out var r) ? r : [];
        return local.IsConnected(agentId) ? [replica.Id, .. others] : others;
    }

    /// <summary>Reads the other replicas' sessions now.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var rows = await db.QueryAsync("""
            SELECT p.agent_id, p.replica_id FROM cluster_presence p JOIN cluster_members m ON m.replica_id = p.replica_id
            WHERE p.sessions > 0 AND p.replica_id <> @p0 AND m.heartbeat_at >= clock_timestamp() - @p1
            """, r => (Agent: r.GetString(0), Replica: r.GetString(1)), ct, replica.Id, PostgresMembership.StaleAfter);
        _remote = rows.GroupBy(r => r.Agent, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.Replica).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        local.Changed += OnLocalChange;
        bus.Subscribe(Topic, m =>
        {
            if (m.From != replica.Id) Poke();
            return Task.CompletedTask;
        });
        // Rows a previous process with this replica id left behind are not ours any more.
        await db.ExecuteAsync("DELETE FROM cluster_presence WHERE replica_id = @p0", cancellationToken, replica.Id);
        foreach (var (agent, n) in local.Snapshot()) _writes.Writer.TryWrite((agent, n));
        await base.StartAsync(cancellationToken);
    }

    private void OnLocalChange(string agent, int sessions) => _writes.Writer.TryWrite((agent, sessions));

    private void Poke()
    {
        if (_refresh.CurrentCount == 0)
        {
            try { _refresh.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(WriteLoopAsync(stoppingToken), RefreshLoopAsync(stoppingToken));

    private async Task WriteLoopAsync(CancellationToken ct)
    {
        try
        {
            while (await _writes.Reader.WaitToReadAsync(ct))
            {
                while (_writes.Reader.TryRead(out var w))
                {
                    await WithRetryAsync(() => w.Sessions > 0
                        ? db.ExecuteAsync("""
                            INSERT INTO cluster_presence (replica_id, agent_id, sessions) VALUES (@p0, @p1, @p2)
                            ON CONFLICT (replica_id, agent_id) DO UPDATE SET sessions = EXCLUDED.sessions
                            """, ct, replica.Id, w.Agent, w.Sessions)
                        : db.ExecuteAsync("DELETE FROM cluster_presence WHERE replica_id = @p0 AND agent_id = @p1", ct, replica.Id, w.Agent), ct);
                }
                await WithRetryAsync(() => bus.PublishAsync(Topic, "", null, ct), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(ct);
                await _refresh.WaitAsync(PostgresMembership.HeartbeatInterval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Failed(log, e);
                await Task.Delay(PostgresMembership.HeartbeatInterval, time, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task WithRetryAsync(Func<Task> action, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await action();
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                Failed(log, e);
                if (attempt >= 5) return; // the next change or restart rewrites the row
                await Task.Delay(TimeSpan.FromMilliseconds(200 << attempt), time, ct);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        local.Changed -= OnLocalChange;
        await base.StopAsync(cancellationToken);
        try
        {
            await db.ExecuteAsync("DELETE FROM cluster_presence WHERE replica_id = @p0", cancellationToken, replica.Id);
        }
        catch (Exception e)
        {
            Failed(log, e);
        }
    }

    [LoggerMessage(EventId = 407, Level = LogLevel.Warning, Message = "shared presence update failed")]
    private static partial void Failed(ILogger logger, Exception error);
}
