using System.Text;

namespace Moltnet.Bench;

/// <summary>Keeps <c>docs/performance.md</c> on the latest suite run: the text between its <c>latest-run</c> markers is
/// replaced by the run's tables, charts and machine (links rewritten to work from <c>docs/</c>).</summary>
internal static class DocsPage
{
    private const string Begin = "<!-- latest-run -->";
    private const string End = "<!-- /latest-run -->";

    /// <summary>Updates the page when it exists and has the markers; returns its path, or null when nothing was written.</summary>
    public static async Task<string?> UpdateAsync(string latestMarkdown, IEnumerable<Chart> charts, CancellationToken ct)
    {
        if (RepoPaths.Root() is not { } root) return null;
        var path = Path.Combine(root, "docs", "performance.md");
        if (!File.Exists(path)) return null;
        var page = await File.ReadAllTextAsync(path, ct);
        var begin = page.IndexOf(Begin, StringComparison.Ordinal);
        var end = page.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin) return null;

        var details = latestMarkdown.IndexOf("\n## Details", StringComparison.Ordinal);
        var body = new StringBuilder(details < 0 ? latestMarkdown : latestMarkdown[..details]);
        body.Replace("# Moltnet bench: latest results", "## Latest run");
        body.Replace("\n## Machine", "\n### Machine");
        body.Replace("](../README.md)", "](../bench/README.md)");
        foreach (var c in charts) body.Replace($"]({c.FileName})", $"](../bench/results/{c.FileName})");
        body.Replace("\n### Side by side", "\n#### Side by side").Replace("\n### Idle memory", "\n#### Idle memory");
        var updated = page[..(begin + Begin.Length)] + "\n" + body.ToString().Trim() + "\n" + page[end..];
        await File.WriteAllTextAsync(path, updated, ct);
        return path;
    }
}
