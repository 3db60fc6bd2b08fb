using System.Diagnostics;
using Moltnet.TestSupport;
using Npgsql;

namespace Moltnet.Cluster.Tests;

/// <summary>The active-attachment registry across replicas (spec §4): in auth mode <c>none</c> every attachment is
/// anonymous, so an agent attached on one replica is refused on every other until that session ends or its replica stops
/// heartbeating.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AttachAdmissionTests(PostgresCluster pg)
{
    private const string Refusal = "agent \"q\" already has an active attachment; attach with an actor credential to reconnect";

    [PostgresFact]
    public async Task An_agent_attached_on_one_replica_is_refused_on_another_until_it_detaches()
    {
        await using var set = await Replicas.StartAsync(pg, 2, auth: "none");
        var first = await AgentSocket.AttachAsync(set[0], "q");
        Assert.Equal(Refusal, await AgentSocket.RefusedAsync(set[1], "q"));
        Assert.Equal(Refusal, await AgentSocket.RefusedAsync(set[0], "q"));
        await using (await AgentSocket.AttachAsync(set[1], "p"))
        {
        }

        await first.DisposeAsync(); // the server releases the claim before it answers the close
        await using var second = await AgentSocket.AttachAsync(set[1], "q");
        Assert.Equal(Refusal, await AgentSocket.RefusedAsync(set[0], "q"));
    }

    [PostgresFact]
    public async Task An_agent_attached_on_a_killed_replica_may_attach_elsewhere_once_its_heartbeat_is_stale()
    {
        await using var set = await Replicas.StartAsync(pg, 2, auth: "none");
        await using var onVictim = await AgentSocket.AttachAsync(set[0], "q");
        await set[0].KillAsync();
        Assert.Equal(Refusal, await AgentSocket.RefusedAsync(set[1], "q"));

        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (socket, answer) = await AgentSocket.IdentifyAsync(set[1], "q");
            await using var _ = socket;
            if ((string?)answer["op"] == "READY") break;
            Assert.Equal(Refusal, (string?)answer["error"]);
            Assert.True(clock.Elapsed < PostgresMembership.StaleAfter * 3, "still refused long after the killed replica's heartbeat went stale");
            await Task.Delay(500);
        }
    }

    [PostgresFact]
    public async Task A_claim_this_replica_no_longer_holds_is_swept_and_a_gone_replicas_old_claim_does_not_count()
    {
        var dsn = await pg.CreateDatabaseAsync();
        try
        {
            await using var a = await InProcessReplica.StartAsync(dsn, "attach-a");
            var claims = a.Get<PostgresAttachmentClaims>();
            await InsertAsync(dsn, "ghost", "g1", "q", "-1 hour"); // a replica that is gone (no membership row) left it
            Assert.Null(await claims.TryClaimAsync("q", "s1", Grains.Caller.AnonymousKey, CancellationToken.None));
            Assert.Equal(Refusal, await claims.TryClaimAsync("q", "s2", Grains.Caller.AnonymousKey, CancellationToken.None));
            await claims.ReleaseAsync("q", "s1", CancellationToken.None);

            // A row of this replica for a session it does not hold (its release failed): it counts until the sweep.
            await InsertAsync(dsn, "attach-a", "lost", "q", "-1 minute");
            Assert.Equal(Refusal, await claims.TryClaimAsync("q", "s3", Grains.Caller.AnonymousKey, CancellationToken.None));
            await claims.SweepAsync(CancellationToken.None);
            Assert.Null(await claims.TryClaimAsync("q", "s3", Grains.Caller.AnonymousKey, CancellationToken.None));
            Assert.Equal(["attach-a/s3"], await RowsAsync(dsn));
        }
        finally
        {
            await pg.DropDatabaseAsync(dsn);
        }
    }

    private static async Task InsertAsync(string dsn, string replica, string session, string agent, string age)
    {
        await using var c = new NpgsqlConnection(dsn + ";Pooling=false");
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO cluster_attachments (replica_id, session_id, agent_id, credential_key, attached_at)
            VALUES (@r, @s, @a, 'anonymous', clock_timestamp() + @age::interval)
            """, c);
        cmd.Parameters.AddWithValue("r", replica);
        cmd.Parameters.AddWithValue("s", session);
        cmd.Parameters.AddWithValue("a", agent);
        cmd.Parameters.AddWithValue("age", age);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> RowsAsync(string dsn)
    {
        await using var c = new NpgsqlConnection(dsn + ";Pooling=false");
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT replica_id || '/' || session_id FROM cluster_attachments ORDER BY 1", c);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
