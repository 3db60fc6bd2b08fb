using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Moltnet.Grains.Storage;

/// <summary>
/// The SQLite schema as numbered migrations. Each runs in its own transaction and is recorded in
/// <c>schema_migrations(version, name, applied_at)</c>; applied ones are skipped, so migrating is idempotent.
/// Table and column names follow spec server-protocol §7; <c>version</c>/<c>seq</c> columns, the event log and the
/// generic grain state are ours. Never edit a released migration: add a new one.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> All =
    [
        (1, "initial_schema", """
            CREATE TABLE rooms (
                id TEXT PRIMARY KEY,
                network_id TEXT NOT NULL,
                fqid TEXT NOT NULL,
                name TEXT NOT NULL,
                created_at TEXT NOT NULL,
                deleted_at TEXT,
                visibility TEXT NOT NULL DEFAULT 'private',
                write_policy TEXT NOT NULL DEFAULT 'members',
                version INTEGER NOT NULL
            );
            CREATE INDEX rooms_deleted_at ON rooms (deleted_at);
            CREATE TABLE room_members (
                room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
                member_id TEXT NOT NULL,
                PRIMARY KEY (room_id, member_id)
            ) WITHOUT ROWID;
            CREATE TABLE threads (
                id TEXT PRIMARY KEY,
                network_id TEXT NOT NULL,
                fqid TEXT NOT NULL,
                room_id TEXT NOT NULL,
                parent_message_id TEXT,
                message_count INTEGER NOT NULL,
                last_message_at TEXT NOT NULL,
                version INTEGER NOT NULL
            );
            CREATE INDEX threads_room_id ON threads (room_id, id);
            CREATE TABLE dm_conversations (
                dm_id TEXT PRIMARY KEY,
                network_id TEXT NOT NULL,
                fqid TEXT NOT NULL,
                message_count INTEGER NOT NULL,
                last_message_at TEXT NOT NULL,
                version INTEGER NOT NULL
            );
            CREATE TABLE dm_participants (
                dm_id TEXT NOT NULL REFERENCES dm_conversations (dm_id) ON DELETE CASCADE,
                participant_id TEXT NOT NULL,
                PRIMARY KEY (dm_id, participant_id)
            ) WITHOUT ROWID;
            CREATE TABLE messages (
                id TEXT PRIMARY KEY,
                network_id TEXT NOT NULL,
                target_kind TEXT NOT NULL,
                room_id TEXT,
                thread_id TEXT,
                parent_message_id TEXT,
                dm_id TEXT,
                target_json TEXT NOT NULL,
                from_json TEXT NOT NULL,
                parts_json TEXT NOT NULL,
                mentions_json TEXT,
                created_at TEXT NOT NULL,
                origin_json TEXT NOT NULL DEFAULT '{}',
                seq INTEGER NOT NULL UNIQUE
            );
            CREATE INDEX messages_room_seq ON messages (room_id, seq) WHERE target_kind = 'room';
            CREATE INDEX messages_thread_seq ON messages (thread_id, seq) WHERE target_kind = 'thread';
            CREATE INDEX messages_dm_seq ON messages (dm_id, seq) WHERE target_kind = 'dm';
            CREATE TABLE artifacts (
                id TEXT PRIMARY KEY,
                network_id TEXT NOT NULL,
                fqid TEXT NOT NULL,
                message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
                target_kind TEXT NOT NULL,
                room_id TEXT,
                thread_id TEXT,
                dm_id TEXT,
                target_json TEXT NOT NULL,
                part_index INTEGER NOT NULL,
                kind TEXT NOT NULL,
                media_type TEXT,
                filename TEXT,
                url TEXT,
                created_at TEXT NOT NULL,
                seq INTEGER NOT NULL
            );
            CREATE INDEX artifacts_message_id ON artifacts (message_id);
            CREATE INDEX artifacts_room_seq ON artifacts (room_id, seq, part_index) WHERE room_id IS NOT NULL;
            CREATE INDEX artifacts_thread_seq ON artifacts (thread_id, seq, part_index) WHERE thread_id IS NOT NULL;
            CREATE INDEX artifacts_dm_seq ON artifacts (dm_id, seq, part_index) WHERE dm_id IS NOT NULL;
            CREATE TABLE agents (
                agent_id TEXT PRIMARY KEY,
                network_id TEXT NOT NULL,
                actor_uid TEXT NOT NULL,
                actor_uri TEXT NOT NULL,
                display_name TEXT,
                credential_key TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                version INTEGER NOT NULL
            );
            CREATE INDEX agents_credential_key ON agents (credential_key);
            """),
        (2, "event_log", """
            CREATE TABLE events (
                cursor INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                type TEXT NOT NULL,
                created_at TEXT NOT NULL,
                payload_json TEXT NOT NULL
            );
            CREATE INDEX events_created_at ON events (created_at);
            """),
        (3, "grain_state", """
            CREATE TABLE grain_state (
                grain_type TEXT NOT NULL,
                key TEXT NOT NULL,
                version INTEGER NOT NULL,
                state_json TEXT NOT NULL,
                PRIMARY KEY (grain_type, key)
            ) WITHOUT ROWID;
            """),
        (4, "pairings", """
            CREATE TABLE pairing_status (
                pairing_id TEXT PRIMARY KEY,
                status TEXT NOT NULL,
                diagnostics_json TEXT,
                changed_at TEXT NOT NULL,
                version INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE pairing_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                pairing_id TEXT NOT NULL,
                message_id TEXT NOT NULL,
                body_json TEXT NOT NULL,
                seq INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT,
                last_error TEXT,
                UNIQUE (pairing_id, message_id)
            );
            CREATE INDEX pairing_outbox_order ON pairing_outbox (pairing_id, seq, id);
            """),
        (6, "remote_nodes", """
            CREATE TABLE remote_nodes (
                node_id TEXT PRIMARY KEY,
                display_name TEXT,
                platform TEXT,
                version TEXT,
                replica_id TEXT,
                conn_id TEXT,
                remote_ip TEXT,
                connected INTEGER NOT NULL DEFAULT 0,
                connected_at TEXT,
                last_seen_at TEXT,
                telemetry_json TEXT,
                policy_json TEXT,
                created_at TEXT NOT NULL,
                revoked_at TEXT
            ) WITHOUT ROWID;
            CREATE TABLE device_tokens (
                token_hash TEXT PRIMARY KEY,
                token_prefix TEXT NOT NULL,
                node_id TEXT NOT NULL,
                created_at TEXT NOT NULL,
                revoked_at TEXT
            ) WITHOUT ROWID;
            CREATE INDEX device_tokens_node ON device_tokens (node_id);
            CREATE TABLE node_selections (
                conversation_id TEXT PRIMARY KEY,
                node_id TEXT NOT NULL,
                selected_at TEXT NOT NULL
            ) WITHOUT ROWID;
            """),
    ];

    /// <summary>Applies pending migrations on an open, configured read-write connection. Writes nothing when the
    /// schema is current (so a read-only but current database still opens).</summary>
    public static void Apply(SqliteConnection connection, string path, ILogger logger)
    {
        var exists = SqliteSetup.Scalar(connection,
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") is not null;
        if (!exists)
        {
            SqliteSetup.Execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """);
        }
        var applied = SqliteSetup.Query(connection, "SELECT version FROM schema_migrations", r => r.GetInt64(0)).ToHashSet();
        foreach (var (version, name, sql) in All)
        {
            if (applied.Contains(version)) continue;
            using var tx = connection.BeginTransaction(deferred: false);
            using (var check = SqliteSetup.Command(connection, "SELECT 1 FROM schema_migrations WHERE version = @p0", version))
            {
                check.Transaction = tx;
                if (check.ExecuteScalar() is not null) continue; // another process applied it meanwhile
            }
            using (var migrate = SqliteSetup.Command(connection, sql))
            {
                migrate.Transaction = tx;
                migrate.ExecuteNonQuery();
            }
            using (var record = SqliteSetup.Command(connection,
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@p0, @p1, @p2)",
                version, name, StoreTime.ToText(DateTimeOffset.UtcNow)))
            {
                record.Transaction = tx;
                record.ExecuteNonQuery();
            }
            tx.Commit();
            StoreLog.MigrationApplied(logger, version, name, path);
        }
    }
}
