using System.Text.RegularExpressions;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests;

/// <summary>Runs the real built <c>moltnet</c> executable (copied next to the tests) in a working directory.</summary>
internal static partial class Moltnet
{
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "moltnet.dll");

    public static Task<CliResult> RunAsync(string workingDirectory, params string[] args) =>
        CliProcess.RunAsync(Dll, args, workingDirectory);

    public static Task<CliResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> env, params string[] args) =>
        CliProcess.RunAsync(Dll, args, workingDirectory, env);

    /// <summary>The lines of <paramref name="text"/>, without the trailing empty one.</summary>
    public static string[] Lines(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    /// <summary>Stderr lines with their <c>YYYY/MM/DD HH:MM:SS </c> stamp removed (asserting that each has one).</summary>
    public static string[] ErrorLines(CliResult result) => Lines(result.Stderr)
        .Select(l =>
        {
            Assert.Matches(Stamp(), l);
            return Stamp().Replace(l, "");
        })
        .ToArray();

    [GeneratedRegex(@"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} ")]
    private static partial Regex Stamp();
}
