using System.Globalization;
using System.Text;

namespace Moltnet.Bench;

/// <summary>Prints the human table and writes <c>latest.md</c> (committed) and a timestamped copy under <c>raw/</c>
/// (git-ignored, with server log tails).</summary>
internal static class Report
{
    public static void Print(IReadOnlyList<ScenarioResult> results, MachineInfo machine)
    {
        var labelWidth = results.SelectMany(r => r.Figures).Select(f => f.Label.Length).DefaultIfEmpty(10).Max();
        var sb = new StringBuilder().AppendLine();
        foreach (var r in results)
        {
            sb.AppendLine(new string('=', 100));
            sb.AppendLine($"{r.Name}   [{r.Parameters}]");
            sb.AppendLine(new string('-', 100));
            foreach (var f in r.Figures) sb.AppendLine($"  {f.Label.PadRight(labelWidth)}  {f.Value}");
            if (r.Target is not null) sb.AppendLine($"  {"target".PadRight(labelWidth)}  {r.Target}: {r.Verdict}");
        }
        sb.AppendLine(new string('=', 100));
        sb.AppendLine($"machine: {machine.Cores} cores (nproc), {machine.Memory}, {machine.Os}; load average now {MachineInfo.LoadAverage()}");
        Console.Write(sb.ToString());
    }

    /// <summary>Writes <c>latest.md</c> and <c>raw/&lt;stamp&gt;-&lt;scenario&gt;.md</c>; returns their paths.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(
        string dir, string command, IReadOnlyList<ScenarioResult> results, MachineInfo machine, string loadAtStart, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var md = Markdown(command, results, machine, loadAtStart, now);
        Directory.CreateDirectory(Path.Combine(dir, "raw"));
        foreach (var chart in results.SelectMany(r => r.Charts))
            await File.WriteAllTextAsync(Path.Combine(dir, chart.FileName), chart.Svg, ct);
        var latest = Path.Combine(dir, "latest.md");
        await File.WriteAllTextAsync(latest, md, ct);
        var scenario = command.Split(' ').Skip(1).FirstOrDefault() ?? "run";
        var raw = Path.Combine(dir, "raw", $"{now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{scenario}.md");
        var rawText = new StringBuilder(md);
        foreach (var r in results)
            rawText.AppendLine().AppendLine($"## Server log: {r.Name}").AppendLine().AppendLine("```text").AppendLine(r.ServerLog).AppendLine("```");
        await File.WriteAllTextAsync(raw, rawText.ToString(), ct);
        // A suite run written to this repository's results is the published one: docs/performance.md follows it.
        if (scenario == "suite" && Path.GetFullPath(dir) == (RepoPaths.Root() is { } root ? Path.GetFullPath(Path.Combine(root, "bench", "results")) : null)
            && await DocsPage.UpdateAsync(md, results.SelectMany(r => r.Charts), ct) is { } docs)
            return [latest, raw, docs];
        return [latest, raw];
    }

    private static string Markdown(string command, IReadOnlyList<ScenarioResult> results, MachineInfo m, string loadAtStart, DateTime now)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Moltnet bench: latest results").AppendLine();
        sb.AppendLine($"Written by `{command}` at {now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC. ")
            .AppendLine("How to run and what each figure means: [bench/README.md](../README.md).").AppendLine();
        sb.AppendLine("| scenario | parameters | figures | target | result |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var r in results)
        {
            var figures = string.Join("<br>", r.Figures.Select(f => $"{f.Label}: **{Cell(f.Value)}**"));
            sb.AppendLine($"| {r.Name} | {Cell(r.Parameters)} | {figures} | {Cell(r.Target ?? "none for these parameters")} | {r.Verdict} |");
        }
        foreach (var r in results.Where(r => r.Markdown is not null || r.Charts.Count > 0))
        {
            sb.AppendLine();
            if (r.Markdown is not null) sb.AppendLine(r.Markdown);
            foreach (var c in r.Charts) sb.AppendLine(CultureInfo.InvariantCulture, $"![{c.Title}]({c.FileName})").AppendLine();
        }
        sb.AppendLine().AppendLine("## Machine").AppendLine();
        sb.AppendLine("| | |").AppendLine("|---|---|");
        sb.AppendLine($"| cores (nproc) | {m.Cores}, shared by the server and the bench client |");
        sb.AppendLine($"| memory | {m.Memory} |");
        sb.AppendLine($"| OS | {Cell(m.Os)} |");
        sb.AppendLine($"| CPU | {Cell(m.Cpu)} |");
        sb.AppendLine($"| runtime | {m.Runtime} |");
        sb.AppendLine($"| database disk | {Cell(m.Disk)} |");
        sb.AppendLine($"| load average (1/5/15 min) | {loadAtStart} at start, {MachineInfo.LoadAverage()} at end |");
        sb.AppendLine().AppendLine("## Details").AppendLine();
        foreach (var r in results)
        {
            sb.AppendLine($"**{r.Name}**").AppendLine();
            foreach (var d in r.Details) sb.AppendLine($"- {d}");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
