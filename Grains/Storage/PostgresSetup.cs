using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Moltnet.Grains.Storage;

/// <summary>Connection settings, command helpers and error classification of the PostgreSQL store.</summary>
internal static partial class PostgresSetup
{
    /// <summary>Session-level advisory lock key that serialises schema migrations across replicas (spec §7).</summary>
    public const long MigrationLockKey = 715308742994555159;

    /// <summary>The DSN (keyword form or a <c>postgres://</c> URL) with the pool settings of spec §7 unless the DSN sets
    /// them: at most 10 connections; idle ones closed after 5 minutes (Npgsql has no "max idle 5": it prunes idle
    /// connections down to <c>MinPoolSize</c>, 0); recycled after 30 minutes; 5 s connect timeout. Statements used
    /// twice are prepared automatically. A connection goes back to the pool without a session reset: the store and the
    /// cluster keep no session state (settings and advisory locks are transaction-scoped, <c>LISTEN</c> has its own
    /// unpooled connection), and the reset is seven statements (<c>RESET ALL</c>, <c>UNLISTEN *</c>, …) before the first
    /// query of every pooled open. With three replicas those were three quarters of all the statements PostgreSQL ran.</summary>
    public static string ConnectionString(string dsn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dsn);
        var builder = new NpgsqlConnectionStringBuilder(FromUrl(dsn.Trim()));
        if (!Has(dsn, "Maximum Pool Size", "Max Pool Size", "MaxPoolSize")) builder.MaxPoolSize = 10;
        if (!Has(dsn, "Connection Lifetime", "ConnectionLifetime")) builder.ConnectionLifetime = 1800;
        if (!Has(dsn, "Connection Idle Lifetime", "ConnectionIdleLifetime")) builder.ConnectionIdleLifetime = 300;
        if (!Has(dsn, "Timeout")) builder.Timeout = 5;
        if (!Has(dsn, "Max Auto Prepare", "MaxAutoPrepare")) builder.MaxAutoPrepare = 64;
        if (!Has(dsn, "Auto Prepare Min Usages", "AutoPrepareMinUsages")) builder.AutoPrepareMinUsages = 2;
        if (!Has(dsn, "No Reset On Close", "NoResetOnClose")) builder.NoResetOnClose = true;
        builder.Enlist = false;
        return builder.ConnectionString;
    }

    /// <summary>Bytes the writer's connection buffers before it writes to the socket, and the socket's send buffer: a
    /// batch's whole commit pipeline (64 of the bench's messages, 64-byte texts, are ~60 KB) then leaves in one write.</summary>
    public const int WriterBufferBytes = 512 * 1024;

    /// <summary>A store's two pools for <paramref name="dsn"/>, which share <see cref="ConnectionString"/>'s maximum: the
    /// readers get all but one connection (at least one), the writer loop that one, with <see cref="WriterBufferBytes"/>
    /// as Npgsql's write buffer and the socket's send buffer unless the DSN sets them. The commit pipeline locks the
    /// <c>event_counter</c> row in its first statement and frees it at its <c>COMMIT</c>; with Npgsql's default 8 KiB
    /// buffer a batch went out in several writes, PostgreSQL took the row after the first, and the row stayed locked for as
    /// long as the writer's thread waited to be scheduled for the next (every other replica's commit queued behind it).
    /// In one write, PostgreSQL has the whole pipeline before it takes the row.</summary>
    public static (string Readers, string Writer) StoreConnectionStrings(string dsn)
    {
        var readers = new NpgsqlConnectionStringBuilder(ConnectionString(dsn));
        var writer = new NpgsqlConnectionStringBuilder(readers.ConnectionString) { MaxPoolSize = 1 };
        readers.MaxPoolSize = Math.Max(1, readers.MaxPoolSize - 1);
        if (!Has(dsn, "Write Buffer Size", "WriteBufferSize")) writer.WriteBufferSize = WriterBufferBytes;
        if (!Has(dsn, "Socket Send Buffer Size", "SocketSendBufferSize")) writer.SocketSendBufferSize = WriterBufferBytes;
        return (readers.ConnectionString, writer.ConnectionString);
    }

    private static bool Has(string dsn, params string[] keys) =>
        keys.Any(k => dsn.Contains(k + "=", StringComparison.OrdinalIgnoreCase) || dsn.Contains(k + " =", StringComparison.OrdinalIgnoreCase));

    /// <summary>Turns <c>postgres://user:pass@host:port/db?sslmode=require</c> into Npgsql's keyword form; keyword DSNs pass through.</summary>
    internal static string FromUrl(string dsn)
    {
        if (!dsn.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !dsn.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return dsn;
        var uri = new Uri(dsn);
        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0) b.Port = uri.Port;
        var db = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (db.Length > 0) b.Database = db;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) b.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]).ToLowerInvariant();
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            switch (key)
            {
                case "sslmode": b.SslMode = Enum.Parse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true); break;
                case "connect_timeout": b.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "application_name": b.ApplicationName = value; break;
                default: b[kv[0]] = value; break;
            }
        }
        return b.ConnectionString;
    }

    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object?[] args)
    {
        var command = connection.CreateCommand();
        command.CommandText = args.Length == 0 ? sql : Positional(sql);
        foreach (var arg in args) command.Parameters.Add(Parameter(arg));
        return command;
    }

    /// <summary>A batch statement with its arguments (see <see cref="Positional"/>).</summary>
    public static NpgsqlBatchCommand BatchCommand(string sql, params object?[] args)
    {
        var command = new NpgsqlBatchCommand(args.Length == 0 ? sql : Positional(sql));
        foreach (var arg in args) command.Parameters.Add(Parameter(arg));
        return command;
    }

    /// <summary>An unnamed (positional) parameter; null is a NULL of type text.</summary>
    private static NpgsqlParameter Parameter(object? value) => value is null
        ? new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = DBNull.Value }
        : new NpgsqlParameter { Value = value };

    private static readonly ConcurrentDictionary<string, string> PositionalTexts = new(StringComparer.Ordinal);

    /// <summary>The store's statements (shared with SQLite) name their arguments <c>@p0</c>, <c>@p1</c>, …; PostgreSQL
    /// numbers them <c>$1</c>, <c>$2</c>, …. With unnamed parameters and <c>$n</c> placeholders Npgsql sends the text as
    /// it is, instead of parsing it and building a rewritten copy (and a name lookup table) on every execution. The
    /// translation is made once per statement text. A statement given arguments must be a single statement.</summary>
    public static string Positional(string sql)
    {
        if (PositionalTexts.TryGetValue(sql, out var text)) return text;
        text = Placeholder().Replace(sql, m => "$" + (int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture));
        if (PositionalTexts.Count < 4096) PositionalTexts.TryAdd(sql, text); // the statements are constants; the bound is a guard
        return text;
    }

    [GeneratedRegex(@"@p([0-9]+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    public static int Execute(NpgsqlConnection connection, string sql, params object?[] args)
    {
        using var command = Command(connection, sql, args);
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(NpgsqlConnection connection, string sql, params object?[] args)
    {
        using var command = Command(connection, sql, args);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public static List<T> Query<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> map, params object?[] args)
    {
        using var command = Command(connection, sql, args);
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read()) list.Add(map(reader));
        return list;
    }

    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, params object?[] args)
    {
        await using var command = Command(connection, sql, args);
        var value = await command.ExecuteScalarAsync().ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    /// <summary>Reads every row of a query asynchronously (reads run on the thread pool and must not block it).</summary>
    public static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> map, params object?[] args)
    {
        await using var command = Command(connection, sql, args);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var list = new List<T>();
        while (await reader.ReadAsync().ConfigureAwait(false)) list.Add(map(reader));
        return list;
    }

    /// <summary>True when the failure means "the database cannot be used right now" (503): lost or refused connections,
    /// timeouts, server shutting down, out of resources, read-only server, serialization failures and deadlocks.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StoreUnavailableException => true,
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || p.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources
            || p.SqlState.StartsWith("57", StringComparison.Ordinal) // operator intervention (shutdown, terminate, cancel)
            || p.SqlState.StartsWith("58", StringComparison.Ordinal) // system error
            || p.SqlState is "25006" or "40001" or "40P01" or "3D000" or "28000" or "28P01",
        NpgsqlException => true, // everything but a server error answer: I/O, socket, timeout, broken connection
        TimeoutException or SocketException or IOException or InvalidOperationException { Source: "Npgsql" } => true,
        _ => false,
    };

    /// <summary>True when the connection itself broke (the statement may be retried on a new connection if nothing was
    /// committed).</summary>
    public static bool IsConnectionLoss(Exception exception) => exception switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is "57P01" or "57P02" or "57P03",
        NpgsqlException => true,
        IOException or SocketException => true,
        _ => false,
    };

    public static Exception Map(Exception exception) => exception switch
    {
        StoreUnavailableException => exception,
        _ when IsUnavailable(exception) => new StoreUnavailableException($"storage unavailable: {exception.Message}", exception),
        PostgresException { SqlState: "23505" or "23503" or "23502" or "23514" } p =>
            new InvalidOperationException($"storage constraint failed: {p.MessageText}", p),
        _ => exception,
    };
}
