using Moltnet.Silo.Hosting;

namespace Moltnet.Silo.Tests.Hosting;

/// <summary>The connection cap that keeps file descriptors for the server itself (Faults.Tests case 11 runs it for real).</summary>
public sealed class ConnectionHeadroomTests
{
    [Theory]
    [InlineData(1024L, 200, 696L)]
    [InlineData(256L, 200, 16L)] // a tiny limit still serves a few connections
    [InlineData(65536L, 150, 65258L)]
    public void Cap_is_the_limit_minus_what_is_open_and_the_reserve(long limit, int open, long expected) =>
        Assert.Equal(expected, ConnectionHeadroom.MaxConnections(limit, open));

    [Fact]
    public void No_cap_when_the_limit_is_unknown_or_huge()
    {
        Assert.Null(ConnectionHeadroom.MaxConnections(null, 100));
        Assert.Null(ConnectionHeadroom.MaxConnections(1_048_576, 100));
    }

    [Fact]
    public void Reads_the_soft_limit_from_proc_limits()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                Limit                     Soft Limit           Hard Limit           Units
                Max processes             95632                95632                processes
                Max open files            256                  4096                 files
                """);
            Assert.Equal(256, ConnectionHeadroom.SoftOpenFileLimit(path));
            File.WriteAllText(path, "Max open files            unlimited            unlimited            files\n");
            Assert.Null(ConnectionHeadroom.SoftOpenFileLimit(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void This_process_has_descriptors_open() => Assert.True(ConnectionHeadroom.OpenDescriptors() > 0);
}
