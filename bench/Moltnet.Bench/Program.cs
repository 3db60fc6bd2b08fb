using Moltnet.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"moltnet-bench: {e.Message}\n\n{BenchOptions.Usage}");
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

var loadAtStart = MachineInfo.LoadAverage();
var machine = MachineInfo.Probe();
Console.WriteLine($"moltnet-bench {options.Scenario}: {machine.Cores} cores (nproc), {machine.Memory}, load average {loadAtStart}; server {options.Url ?? "started per scenario"}");
var results = new List<ScenarioResult>();
try
{
    await Scenarios.RunAsync(options, results, cts.Token);
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    Console.Error.WriteLine("moltnet-bench: cancelled");
    return 130;
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or FileNotFoundException or HttpRequestException)
{
    Console.Error.WriteLine($"moltnet-bench: {e.Message}");
    return 1;
}

Report.Print(results, machine);
var command = "moltnet-bench " + string.Join(' ', args);
var written = await Report.WriteAsync(RepoPaths.ResultsDir(options), command, results, machine, loadAtStart, cts.Token);
Console.WriteLine($"wrote {string.Join(", ", written)}");
return results.All(r => r.TargetMet != false) ? 0 : 3;
