using System.Diagnostics;
using Moltnet.AttachBench;
using Moltnet.Configuration;

if (args.Length > 1 && args[0] == "serve") return await BenchServer.ServeAsync(args[1]);

var store = args.FirstOrDefault(a => a.StartsWith("store=", StringComparison.Ordinal))?[6..] ?? StorageKinds.Sqlite;
var settings = args.Where(a => !a.StartsWith("store=", StringComparison.Ordinal)).Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
int Setting(string name, int fallback) => settings.TryGetValue(name, out var v) ? v : fallback;

await using var server = await ServerProcess.StartAsync(store);
Console.WriteLine($"server pid {server.Pid} at {server.Url}, storage {store}");
var idle = await IdleMemory.RunAsync(server, Setting("idle", 1000), Setting("hold", 4));
Console.WriteLine($"idle: {idle.Count} attachments, RSS {idle.Before / 1024.0 / 1024:0.0} MiB -> {idle.After / 1024.0 / 1024:0.0} MiB, " +
    $"{idle.PerAttachment / 1024.0:0.0} KiB per attachment (target <= 32 KiB); managed heap {idle.HeapPerAttachment / 1024.0:0.0} KiB per attachment");
Console.WriteLine($"load average before latency: {File.ReadAllText("/proc/loadavg").Trim()}");
var latency = await Latency.RunAsync(server, Setting("attachments", 100), Setting("rate", 1000), Setting("seconds", 5), Setting("warmup", 10));
Console.WriteLine($"latency: {latency.Samples} deliveries of {latency.Sent} messages to {latency.Attachments} attachments at {latency.Rate} msg/s: " +
    $"p50 {latency.P50:0.00} ms, p99 {latency.P99:0.00} ms, max {latency.Max:0.00} ms (target p99 <= 20 ms); " +
    $"POST to 202 p50 {latency.PostP50:0.00} ms, p99 {latency.PostP99:0.00} ms");
Console.WriteLine($"server: {await server.StatsAsync()}");
return 0;

/// <summary>Stopwatch helpers.</summary>
internal static class Clock
{
    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
