namespace Moltnet.Bench;

/// <summary>One headline number of a scenario.</summary>
internal sealed record Figure(string Label, string Value);

/// <summary>What a scenario measured: headline figures for the tables, the target when the parameters are the
/// issue's, and free-form details for the raw report.</summary>
internal sealed record ScenarioResult(
    string Name,
    string Parameters,
    IReadOnlyList<Figure> Figures,
    string? Target,
    bool? TargetMet,
    IReadOnlyList<string> Details)
{
    /// <summary>The main throughput figure, for targets relative to another scenario (ingest with vs without observers).</summary>
    public double? Throughput { get; init; }

    /// <summary>Extra markdown (a side-by-side table) written under the main table.</summary>
    public string? Markdown { get; init; }

    /// <summary>Charts written next to <c>latest.md</c> and linked from it.</summary>
    public IReadOnlyList<Chart> Charts { get; init; } = [];

    /// <summary>A digest of the server's log (raw report only).</summary>
    public string ServerLog { get; init; } = "";

    public string Verdict => TargetMet switch { true => "met", false => "MISSED", null => "" };
}
