using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moltnet.Grains.Events;
using Moltnet.Configuration;
using Moltnet.Silo.Hosting;

namespace Moltnet.AttachBench;

/// <summary>The server side: a Moltnet server in this process, printing its URL and running until stdin closes; a line
/// <c>gc</c> on stdin runs a full collection and prints <c>HEAP &lt;bytes&gt;</c>; a line <c>stats</c> prints the event broker's
/// lag and drop counts as <c>STATS …</c>.</summary>
internal static class BenchServer
{
    public static async Task<int> ServeAsync(string store)
    {
        var dir = Directory.CreateTempSubdirectory("moltnet-attach-bench-").FullName;
        var config = new MoltnetConfig
        {
            Storage = new StorageSection { Kind = store },
            Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
            Limits = new LimitsSection { AttachPerMinute = 0, RegisterPerMinute = 0, SendPerSecond = 0, SubscriberQueue = 1024 },
        };
        await using var app = MoltnetServer.Build(config, dir, "http://127.0.0.1:0", l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole());
        var urls = await MoltnetServer.StartAsync(app, CancellationToken.None);
        Console.WriteLine("URL " + urls[0]);
        while (await Console.In.ReadLineAsync() is { } command)
            if (command == "gc")
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                Console.WriteLine("HEAP " + GC.GetTotalMemory(false).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (command == "stats")
            {
                var broker = app.Services.GetRequiredService<EventBroker>();
                Console.WriteLine($"STATS subscribers fell behind their queue {broker.LaggedCount} times (caught up from the event log), {broker.DroppedCount} events dropped from queues");
            }
        await app.StopAsync();
        return 0;
    }
}
