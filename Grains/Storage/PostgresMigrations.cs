using Microsoft.Extensions.Logging;
using Npgsql;

namespace Moltnet.Grains.Storage;

/// <summary>
/// The PostgreSQL schema as numbered migrations, mirroring <see cref="SqliteMigrations"/> (same tables and columns).
/// Each migration runs in its own transaction that first takes <c>pg_advisory_xact_lock(715308742994555159)</c>, checks
/// <c>schema_migrations</c> again and records itself there, so replicas starting at once apply each migration exactly
/// once. Times are fixed-width UTC text (<see cref="StoreTime"/>) as in SQLite: tick precision, text order = time
/// order (TIMESTAMPTZ keeps only microseconds). JSON columns are TEXT: payloads come back byte for byte. Every text
/// column uses the "C" collation, so <c>ORDER BY id</c> is ordinal (as the contract requires) whatever the database's
/// locale, and time text compares bytewise.
/// Never edit a released migration: add a new one.
/// </summary>
internal static class PostgresMigrations
{
    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> All =
    [
        (1, "initial_schema", """
            CREATE TABLE rooms (
                id TEXT COLLATE "C" PRIMARY KEY,
                network_id TEXT COLLATE "C" NOT NULL,
                fqid TEXT COLLATE "C" NOT NULL,
                name TEXT COLLATE "C" NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                deleted_at TEXT COLLATE "C",
                visibility TEXT COLLATE "C" NOT NULL DEFAULT 'private',
                write_policy TEXT COLLATE "C" NOT NULL DEFAULT 'members',
                version BIGINT NOT NULL
            );
            CREATE INDEX rooms_deleted_at ON rooms (deleted_at);
            CREATE TABLE room_members (
                room_id TEXT COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
                member_id TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (room_id, member_id)
            );
            CREATE TABLE threads (
                id TEXT COLLATE "C" PRIMARY KEY,
                network_id TEXT COLLATE "C" NOT NULL,
                fqid TEXT COLLATE "C" NOT NULL,
                room_id TEXT COLLATE "C" NOT NULL,
                parent_message_id TEXT COLLATE "C",
                message_count BIGINT NOT NULL,
                last_message_at TEXT COLLATE "C" NOT NULL,
                version BIGINT NOT NULL
            );
            CREATE INDEX threads_room_id ON threads (room_id, id);
            CREATE TABLE dm_conversations (
                dm_id TEXT COLLATE "C" PRIMARY KEY,
                network_id TEXT COLLATE "C" NOT NULL,
                fqid TEXT COLLATE "C" NOT NULL,
                message_count BIGINT NOT NULL,
                last_message_at TEXT COLLATE "C" NOT NULL,
                version BIGINT NOT NULL
            );
            CREATE TABLE dm_participants (
                dm_id TEXT COLLATE "C" NOT NULL REFERENCES dm_conversations (dm_id) ON DELETE CASCADE,
                participant_id TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (dm_id, participant_id)
            );
            CREATE TABLE messages (
                id TEXT COLLATE "C" PRIMARY KEY,
                network_id TEXT COLLATE "C" NOT NULL,
                target_kind TEXT COLLATE "C" NOT NULL,
                room_id TEXT COLLATE "C",
                thread_id TEXT COLLATE "C",
                parent_message_id TEXT COLLATE "C",
                dm_id TEXT COLLATE "C",
                target_json TEXT COLLATE "C" NOT NULL,
                from_json TEXT COLLATE "C" NOT NULL,
                parts_json TEXT COLLATE "C" NOT NULL,
                mentions_json TEXT COLLATE "C",
                created_at TEXT COLLATE "C" NOT NULL,
                origin_json TEXT COLLATE "C" NOT NULL DEFAULT '{}',
                seq BIGINT NOT NULL UNIQUE
            );
            CREATE INDEX messages_room_seq ON messages (room_id, seq) WHERE target_kind = 'room';
            CREATE INDEX messages_thread_seq ON messages (thread_id, seq) WHERE target_kind = 'thread';
            CREATE INDEX messages_dm_seq ON messages (dm_id, seq) WHERE target_kind = 'dm';
            CREATE TABLE artifacts (
                id TEXT COLLATE "C" PRIMARY KEY,
                network_id TEXT COLLATE "C" NOT NULL,
                fqid TEXT COLLATE "C" NOT NULL,
                message_id TEXT COLLATE "C" NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
                target_kind TEXT COLLATE "C" NOT NULL,
                room_id TEXT COLLATE "C",
                thread_id TEXT COLLATE "C",
                dm_id TEXT COLLATE "C",
                target_json TEXT COLLATE "C" NOT NULL,
                part_index INTEGER NOT NULL,
                kind TEXT COLLATE "C" NOT NULL,
                media_type TEXT COLLATE "C",
                filename TEXT COLLATE "C",
                url TEXT COLLATE "C",
                created_at TEXT COLLATE "C" NOT NULL,
                seq BIGINT NOT NULL
            );
            CREATE INDEX artifacts_message_id ON artifacts (message_id);
            CREATE INDEX artifacts_room_seq ON artifacts (room_id, seq, part_index) WHERE room_id IS NOT NULL;
            CREATE INDEX artifacts_thread_seq ON artifacts (thread_id, seq, part_index) WHERE thread_id IS NOT NULL;
            CREATE INDEX artifacts_dm_seq ON artifacts (dm_id, seq, part_index) WHERE dm_id IS NOT NULL;
            CREATE TABLE agents (
                agent_id TEXT COLLATE "C" PRIMARY KEY,
                network_id TEXT COLLATE "C" NOT NULL,
                actor_uid TEXT COLLATE "C" NOT NULL,
                actor_uri TEXT COLLATE "C" NOT NULL,
                display_name TEXT COLLATE "C",
                credential_key TEXT COLLATE "C" NOT NULL DEFAULT '',
                created_at TEXT COLLATE "C" NOT NULL,
                updated_at TEXT COLLATE "C" NOT NULL,
                version BIGINT NOT NULL
            );
            CREATE INDEX agents_credential_key ON agents (credential_key);
            """),
        (2, "event_log", """
            CREATE TABLE events (
                cursor BIGINT PRIMARY KEY,
                id TEXT COLLATE "C" NOT NULL UNIQUE,
                type TEXT COLLATE "C" NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                payload_json TEXT COLLATE "C" NOT NULL
            );
            CREATE INDEX events_created_at ON events (created_at);
            -- The cursor allocator: one row, locked by every write transaction before it allocates, so cursor order is
            -- commit order across replicas (a bigserial is not). Never decreases, so cursors are never reused.
            CREATE TABLE event_counter (
                id SMALLINT PRIMARY KEY CHECK (id = 1),
                value BIGINT NOT NULL
            );
            INSERT INTO event_counter (id, value) VALUES (1, 0);
            """),
        (3, "grain_state", """
            CREATE TABLE grain_state (
                grain_type TEXT COLLATE "C" NOT NULL,
                key TEXT COLLATE "C" NOT NULL,
                version BIGINT NOT NULL,
                state_json TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (grain_type, key)
            );
            """),
        (4, "pairings", """
            CREATE TABLE pairing_status (
                pairing_id TEXT COLLATE "C" PRIMARY KEY,
                status TEXT COLLATE "C" NOT NULL,
                diagnostics_json TEXT COLLATE "C",
                changed_at TEXT COLLATE "C" NOT NULL,
                version BIGINT NOT NULL
            );
            CREATE TABLE pairing_outbox (
                id BIGSERIAL PRIMARY KEY,
                pairing_id TEXT COLLATE "C" NOT NULL,
                message_id TEXT COLLATE "C" NOT NULL,
                body_json TEXT COLLATE "C" NOT NULL,
                seq BIGINT NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT COLLATE "C",
                last_error TEXT COLLATE "C",
                UNIQUE (pairing_id, message_id)
            );
            CREATE INDEX pairing_outbox_order ON pairing_outbox (pairing_id, seq, id);
            """),
        (5, "cluster", """
            CREATE TABLE cluster_members (
                replica_id TEXT COLLATE "C" PRIMARY KEY,
                address TEXT COLLATE "C",
                started_at TIMESTAMPTZ NOT NULL,
                heartbeat_at TIMESTAMPTZ NOT NULL,
                sse INTEGER NOT NULL DEFAULT 0,
                attach INTEGER NOT NULL DEFAULT 0,
                nodes INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE cluster_leases (
                name TEXT COLLATE "C" PRIMARY KEY,
                holder TEXT COLLATE "C" NOT NULL,
                expires_at TIMESTAMPTZ NOT NULL
            );
            CREATE TABLE cluster_presence (
                replica_id TEXT COLLATE "C" NOT NULL,
                agent_id TEXT COLLATE "C" NOT NULL,
                sessions INTEGER NOT NULL,
                PRIMARY KEY (replica_id, agent_id)
            );
            CREATE INDEX cluster_presence_agent ON cluster_presence (agent_id);
            """),
        (6, "remote_nodes", """
            CREATE TABLE remote_nodes (
                node_id TEXT COLLATE "C" PRIMARY KEY,
                display_name TEXT COLLATE "C",
                platform TEXT COLLATE "C",
                version TEXT COLLATE "C",
                replica_id TEXT COLLATE "C",
                conn_id TEXT COLLATE "C",
                remote_ip TEXT COLLATE "C",
                connected INTEGER NOT NULL DEFAULT 0,
                connected_at TEXT COLLATE "C",
                last_seen_at TEXT COLLATE "C",
                telemetry_json TEXT COLLATE "C",
                policy_json TEXT COLLATE "C",
                created_at TEXT COLLATE "C" NOT NULL,
                revoked_at TEXT COLLATE "C"
            );
            CREATE TABLE device_tokens (
                token_hash TEXT COLLATE "C" PRIMARY KEY,
                token_prefix TEXT COLLATE "C" NOT NULL,
                node_id TEXT COLLATE "C" NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                revoked_at TEXT COLLATE "C"
            );
            CREATE INDEX device_tokens_node ON device_tokens (node_id);
            CREATE TABLE node_selections (
                conversation_id TEXT COLLATE "C" PRIMARY KEY,
                node_id TEXT COLLATE "C" NOT NULL,
                selected_at TEXT COLLATE "C" NOT NULL
            );
            """),
        (7, "wake_claims", """
            CREATE TABLE cluster_wake_claims (
                agent_id TEXT COLLATE "C" NOT NULL,
                message_id TEXT COLLATE "C" NOT NULL,
                replica_id TEXT COLLATE "C" NOT NULL,
                claimed_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (agent_id, message_id)
            );
            CREATE INDEX cluster_wake_claims_claimed_at ON cluster_wake_claims (claimed_at);
            """),
        (8, "write_flushes", """
            -- One row per writing connection (keyed by its backend pid, so the table stays as small as the pool of
            -- writers): the write transaction commits without waiting for the disk, releasing the event_counter row, and
            -- this row's update then commits synchronously, which makes the WAL durable up to and past that commit.
            CREATE TABLE write_flushes (
                backend_pid INTEGER PRIMARY KEY,
                cursor BIGINT NOT NULL
            );
            """),
        (9, "cluster_attachments", """
            -- The active-attachment registry across replicas: one row per live attachment session.
            CREATE TABLE cluster_attachments (
                replica_id TEXT COLLATE "C" NOT NULL,
                session_id TEXT COLLATE "C" NOT NULL,
                agent_id TEXT COLLATE "C" NOT NULL,
                credential_key TEXT COLLATE "C" NOT NULL,
                attached_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (replica_id, session_id)
            );
            CREATE INDEX cluster_attachments_agent ON cluster_attachments (agent_id);
            """),
    ];

    private const string Lock = "SELECT pg_advisory_xact_lock(715308742994555159)";

    /// <summary>Applies pending migrations; idempotent and safe when several processes migrate at once.</summary>
    public static void Apply(NpgsqlConnection connection, ILogger logger)
    {
        using (var tx = connection.BeginTransaction())
        {
            PostgresSetup.Execute(connection, Lock);
            PostgresSetup.Execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """);
            tx.Commit();
        }
        var applied = PostgresSetup.Query(connection, "SELECT version FROM schema_migrations", r => r.GetInt32(0)).ToHashSet();
        foreach (var (version, name, sql) in All)
        {
            if (applied.Contains(version)) continue;
            using var tx = connection.BeginTransaction();
            PostgresSetup.Execute(connection, Lock);
            if (PostgresSetup.Scalar(connection, "SELECT 1 FROM schema_migrations WHERE version = @p0", version) is not null)
            {
                tx.Rollback();
                continue; // another replica applied it meanwhile
            }
            PostgresSetup.Execute(connection, sql);
            PostgresSetup.Execute(connection, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@p0, @p1, @p2)",
                version, name, StoreTime.ToText(DateTimeOffset.UtcNow));
            tx.Commit();
            StoreLog.MigrationApplied(logger, version, name, connection.Database ?? "postgres");
        }
    }
}
