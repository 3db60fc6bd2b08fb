using Microsoft.Extensions.Logging;
using Moltnet.Configuration;
using Moltnet.Silo.Hosting;

namespace Moltnet.AttachBench;

/// <summary>The server side: a Moltnet server in this process, printing its URL and running until stdin closes.</summary>
internal static class BenchServer
{
    public static async Task<int> ServeAsync()
    {
        var dir = Directory.CreateTempSubdirectory("moltnet-attach-bench-").FullName;
        var config = new MoltnetConfig
        {
            Storage = new StorageSection { Kind = StorageKinds.Memory },
            Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
            Limits = new LimitsSection { AttachPerMinute = 0, RegisterPerMinute = 0, SendPerSecond = 0, SubscriberQueue = 1024 },
        };
        await using var app = MoltnetServer.Build(config, dir, "http://127.0.0.1:0", l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole());
        var urls = await MoltnetServer.StartAsync(app, CancellationToken.None);
        Console.WriteLine("URL " + urls[0]);
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }
}
