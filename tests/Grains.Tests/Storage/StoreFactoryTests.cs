using Moltnet.Configuration;
using Moltnet.Grains.Storage;
using Npgsql;

namespace Moltnet.Grains.Tests.Storage;

public sealed class StoreFactoryTests
{
    [Fact]
    public async Task Memory_kind_makes_a_memory_store()
    {
        await using var store = StoreFactory.Create(new StorageSection { Kind = "memory" }, "/nowhere");
        Assert.IsType<MemoryStore>(store);
    }

    [Fact]
    public async Task Sqlite_relative_path_resolves_from_the_base_directory()
    {
        var root = Path.Combine(Path.GetTempPath(), "moltnet-factory-" + Guid.NewGuid().ToString("N"));
        try
        {
            var section = new StorageSection { Kind = "sqlite", Sqlite = new SqliteSection { Path = "state/x.db" } };
            await using (var store = StoreFactory.Create(section, root))
            {
                var sqlite = Assert.IsType<SqliteStore>(store);
                Assert.Equal(Path.Combine(root, "state", "x.db"), sqlite.DatabasePath);
                await store.MigrateAsync(CancellationToken.None);
                Assert.True(await store.PingAsync(CancellationToken.None));
            }
            Assert.True(File.Exists(Path.Combine(root, "state", "x.db")));
            Assert.Equal(Path.Combine(root, ".moltnet", "moltnet.db"), StoreFactory.SqlitePath(new SqliteSection(), root));
            Assert.Equal("/abs/y.db", StoreFactory.SqlitePath(new SqliteSection { Path = "/abs/y.db" }, root));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_kind_makes_a_postgres_store_and_needs_a_dsn()
    {
        var error = Assert.Throws<NotSupportedException>(() => StoreFactory.Create(new StorageSection { Kind = "postgres" }, "/tmp"));
        Assert.Contains("dsn", error.Message, StringComparison.Ordinal);
        var section = new StorageSection { Kind = "postgres", Postgres = new PostgresSection { Dsn = "Host=127.0.0.1;Port=1;Database=x" } };
        await using var store = StoreFactory.Create(section, "/tmp");
        Assert.IsType<PostgresStore>(store);
        Assert.False(await store.PingAsync(CancellationToken.None)); // nothing listens there; never throws
    }

    [Fact]
    public void Dsn_urls_become_keyword_connection_strings()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresSetup.ConnectionString("postgres://moltnet:p%40ss@db.example:6543/chat?sslmode=require"));
        Assert.Equal(("db.example", 6543, "chat", "moltnet", "p@ss", SslMode.Require), (b.Host, b.Port, b.Database, b.Username, b.Password, b.SslMode));
        Assert.Equal((10, 1800, 300, 5, true), (b.MaxPoolSize, b.ConnectionLifetime, b.ConnectionIdleLifetime, b.Timeout, b.NoResetOnClose));
        b = new NpgsqlConnectionStringBuilder(PostgresSetup.ConnectionString("Host=h;Database=d;Maximum Pool Size=3;No Reset On Close=false"));
        Assert.Equal((3, false), (b.MaxPoolSize, b.NoResetOnClose));
    }

    [Fact]
    public void The_writer_has_one_connection_of_the_pool_and_sends_a_whole_batch_in_one_write_unless_the_dsn_says_otherwise()
    {
        var (readers, writer) = Builders(PostgresSetup.StoreConnectionStrings("postgres://moltnet@db.example/chat"));
        Assert.Equal((9, 1), (readers.MaxPoolSize, writer.MaxPoolSize)); // ConnectionString's 10 in all
        Assert.Equal((PostgresSetup.WriterBufferBytes, PostgresSetup.WriterBufferBytes), (writer.WriteBufferSize, writer.SocketSendBufferSize));
        Assert.True(PostgresSetup.WriterBufferBytes >= 64 * 4096, "a full batch of 4 KiB rows fits");
        Assert.NotEqual(PostgresSetup.WriterBufferBytes, readers.WriteBufferSize);
        Assert.Equal(("db.example", "chat", true), (writer.Host, writer.Database, writer.NoResetOnClose)); // otherwise the readers' settings

        (readers, writer) = Builders(PostgresSetup.StoreConnectionStrings("Host=h;Database=d;Maximum Pool Size=1;Write Buffer Size=65536;Socket Send Buffer Size=131072"));
        Assert.Equal((1, 1, 65536, 131072), (readers.MaxPoolSize, writer.MaxPoolSize, writer.WriteBufferSize, writer.SocketSendBufferSize));

        static (NpgsqlConnectionStringBuilder, NpgsqlConnectionStringBuilder) Builders((string Readers, string Writer) s) => (new(s.Readers), new(s.Writer));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("mongo")]
    public void Other_kinds_are_not_supported_yet(string kind)
    {
        var error = Assert.Throws<NotSupportedException>(() => StoreFactory.Create(new StorageSection { Kind = kind }, "/tmp"));
        Assert.Contains(kind, error.Message, StringComparison.Ordinal);
    }
}
