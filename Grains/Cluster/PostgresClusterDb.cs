using Moltnet.Grains.Storage;
using Npgsql;

namespace Moltnet.Cluster;

/// <summary>The cluster's connections to the shared PostgreSQL database: a small pool for membership, leases, presence
/// and bus publishes (apart from the store's pool, so cluster chatter never waits behind the write path), and the
/// connection string of the dedicated listener connection.</summary>
public sealed class PostgresClusterDb : IAsyncDisposable
{
    public PostgresClusterDb(string dsn, ReplicaIdentity replica)
    {
        var pooled = new NpgsqlConnectionStringBuilder(PostgresSetup.ConnectionString(dsn)) { MaxPoolSize = 4 };
        DataSource = new NpgsqlDataSourceBuilder(pooled.ConnectionString).Build();
        ListenerConnectionString = new NpgsqlConnectionStringBuilder(pooled.ConnectionString)
        {
            Pooling = false,
            KeepAlive = 10,
            ApplicationName = ListenerApplicationName(replica.Id),
        }.ConnectionString;
    }

    /// <summary>The <c>application_name</c> of a replica's listener connection (operators and tests find it in
    /// <c>pg_stat_activity</c>).</summary>
    public static string ListenerApplicationName(string replicaId) => "moltnet-listener-" + replicaId;

    public NpgsqlDataSource DataSource { get; }

    public string ListenerConnectionString { get; }

    /// <summary>Runs one statement on a pooled connection; returns the rows <paramref name="read"/> maps.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct, params object?[] args)
    {
        await using var cmd = Command(sql, args);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(read(reader));
        return rows;
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params object?[] args)
    {
        await using var cmd = Command(sql, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private NpgsqlCommand Command(string sql, object?[] args)
    {
        var cmd = DataSource.CreateCommand(sql);
        for (var i = 0; i < args.Length; i++) cmd.Parameters.AddWithValue("p" + i, args[i] ?? DBNull.Value);
        return cmd;
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
