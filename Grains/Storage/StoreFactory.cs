using Microsoft.Extensions.Logging;
using Moltnet.Configuration;

namespace Moltnet.Grains.Storage;

/// <summary>Builds the store named by <c>storage.kind</c> (spec server-protocol §7).</summary>
public static class StoreFactory
{
    /// <summary>Creates the store; call <see cref="IMoltnetStore.MigrateAsync"/> before use. Relative SQLite paths
    /// resolve from <paramref name="baseDirectory"/> (the config file's directory or the working directory).</summary>
    public static IMoltnetStore Create(StorageSection section, string baseDirectory, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        var kind = string.IsNullOrWhiteSpace(section.Kind) ? StorageKinds.Sqlite : section.Kind.Trim().ToLowerInvariant();
        return kind switch
        {
            StorageKinds.Sqlite => new SqliteStore(SqlitePath(section.Sqlite, baseDirectory), loggers?.CreateLogger<SqliteStore>()),
            StorageKinds.Memory => new MemoryStore(loggers?.CreateLogger<MemoryStore>()),
            StorageKinds.Postgres => string.IsNullOrWhiteSpace(section.Postgres.Dsn)
                ? throw new NotSupportedException("storage.kind \"postgres\" needs storage.postgres.dsn (or MOLTNET_POSTGRES_DSN)")
                : new PostgresStore(section.Postgres.Dsn, loggers?.CreateLogger<PostgresStore>()),
            StorageKinds.Json => throw new NotSupportedException(
                "storage.kind \"json\" is not supported; use \"sqlite\" (the default) or \"memory\""),
            _ => throw new NotSupportedException($"unknown storage.kind \"{section.Kind}\"; use \"sqlite\", \"postgres\" or \"memory\""),
        };
    }

    /// <summary>The absolute database path: <c>storage.sqlite.path</c> (default <c>.moltnet/moltnet.db</c>) resolved
    /// from <paramref name="baseDirectory"/>.</summary>
    public static string SqlitePath(SqliteSection section, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(section);
        var path = string.IsNullOrWhiteSpace(section.Path) ? new SqliteSection().Path : section.Path;
        return Path.GetFullPath(path, Path.GetFullPath(baseDirectory));
    }
}
