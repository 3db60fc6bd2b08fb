using Moltnet.Configuration;
using Moltnet.Grains.Storage;

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

    [Theory]
    [InlineData("postgres")]
    [InlineData("json")]
    [InlineData("mongo")]
    public void Other_kinds_are_not_supported_yet(string kind)
    {
        var error = Assert.Throws<NotSupportedException>(() => StoreFactory.Create(new StorageSection { Kind = kind }, "/tmp"));
        Assert.Contains(kind, error.Message, StringComparison.Ordinal);
    }
}
