using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Moltnet.Cluster;

/// <summary>
/// Attachment claims as rows of <c>cluster_attachments</c> (replica, session, agent, credential key, time). A claim is one
/// transaction that takes an advisory lock on the agent (claims for it on every replica queue there), reads the live
/// sessions' keys, and inserts its row when <see cref="AttachmentAdmission"/> allows. A session on a replica that stopped
/// heartbeating is not live: a killed replica's agents may attach elsewhere once its heartbeat is
/// <see cref="PostgresMembership.StaleAfter"/> old. Every heartbeat interval the replica deletes its rows of sessions it no
/// longer holds (a release that failed while the database was unreachable) and old rows of replicas that are gone; on a
/// clean stop it deletes its own.
/// </summary>
public sealed partial class PostgresAttachmentClaims(PostgresClusterDb db, ReplicaIdentity replica, TimeProvider time,
    ILogger<PostgresAttachmentClaims> log) : BackgroundService, IAttachmentClaims
{
    /// <summary>How long an unheld row of this replica is left alone (a claim may still be committing it).</summary>
    private static readonly TimeSpan ClaimGrace = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);

    private const string LiveKeys = """
        SELECT a.credential_key FROM cluster_attachments a
        WHERE a.agent_id = @p0 AND (a.replica_id = @p1
            OR EXISTS (SELECT 1 FROM cluster_members m WHERE m.replica_id = a.replica_id AND m.heartbeat_at >= clock_timestamp() - @p2)
            OR (a.attached_at >= clock_timestamp() - @p2 AND NOT EXISTS (SELECT 1 FROM cluster_members m WHERE m.replica_id = a.replica_id)))
        """;

    public async Task<string?> TryClaimAsync(string agentId, string sessionId, string credentialKey, CancellationToken ct)
    {
        lock (_lock) _held.Add(sessionId); // before the row exists, so the sweep never takes it for a leftover
        var admitted = false;
        try
        {
            await using var connection = await db.DataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var keys = new List<string>();
            await using (var batch = new NpgsqlBatch(connection, tx))
            {
                batch.BatchCommands.Add(Command("SELECT pg_advisory_xact_lock(hashtextextended('moltnet.attach:' || @p0, 0))", agentId));
                batch.BatchCommands.Add(Command(LiveKeys, agentId, replica.Id, PostgresMembership.StaleAfter));
                await using var reader = await batch.ExecuteReaderAsync(ct);
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct)) keys.Add(reader.GetString(0));
            }
            if (AttachmentAdmission.Refusal(agentId, credentialKey, keys) is { } refusal) return refusal;
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO cluster_attachments (replica_id, session_id, agent_id, credential_key, attached_at)
                VALUES (@p0, @p1, @p2, @p3, clock_timestamp())
                """, connection, tx))
            {
                Add(insert.Parameters, replica.Id, sessionId, agentId, credentialKey);
                await insert.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            admitted = true;
            return null;
        }
        finally
        {
            if (!admitted) lock (_lock) _held.Remove(sessionId);
        }
    }

    public async Task ReleaseAsync(string agentId, string sessionId, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_held.Remove(sessionId)) return;
        }
        await db.ExecuteAsync("DELETE FROM cluster_attachments WHERE replica_id = @p0 AND session_id = @p1", ct, replica.Id, sessionId);
    }

    /// <summary>Deletes this replica's rows of sessions it does not hold and old rows of replicas that are gone.</summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        string[] held;
        lock (_lock) held = [.. _held];
        await db.ExecuteAsync("""
            DELETE FROM cluster_attachments
            WHERE replica_id = @p0 AND NOT (session_id = ANY(@p1)) AND attached_at < clock_timestamp() - @p2
            """, ct, replica.Id, held, ClaimGrace);
        await db.ExecuteAsync("""
            DELETE FROM cluster_attachments a
            WHERE a.replica_id <> @p0 AND a.attached_at < clock_timestamp() - @p1
                AND NOT EXISTS (SELECT 1 FROM cluster_members m WHERE m.replica_id = a.replica_id AND m.heartbeat_at >= clock_timestamp() - @p2)
            """, ct, replica.Id, PostgresMembership.StaleAfter * 4, PostgresMembership.StaleAfter);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Rows a previous process with this replica id left behind are not sessions of ours.
        await db.ExecuteAsync("DELETE FROM cluster_attachments WHERE replica_id = @p0", cancellationToken, replica.Id);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(PostgresMembership.HeartbeatInterval, time, stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                SweepFailed(log, e);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await db.ExecuteAsync("DELETE FROM cluster_attachments WHERE replica_id = @p0", cancellationToken, replica.Id);
        }
        catch (Exception e)
        {
            SweepFailed(log, e); // the rows stop counting once this replica's heartbeat is stale
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        Add(command.Parameters, args);
        return command;
    }

    private static void Add(NpgsqlParameterCollection parameters, params object[] args)
    {
        for (var i = 0; i < args.Length; i++) parameters.AddWithValue("p" + i, args[i]);
    }

    [LoggerMessage(EventId = 408, Level = LogLevel.Warning, Message = "attachment claims sweep failed")]
    private static partial void SweepFailed(ILogger logger, Exception error);
}
