using System.CommandLine;
using System.Globalization;

namespace Moltnet.Cli;

/// <summary>Runs the root command: unknown commands, error output and exit codes as spec node-and-cli §4 says.</summary>
internal static class CliHost
{
    /// <summary>An unknown first word exits 1 with <c>unknown command "x"</c> and the usage on stderr.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        // The server drains on SIGTERM itself (ASP.NET Core's lifetime); System.CommandLine must not cut it short.
        var config = new InvocationConfiguration { ProcessTerminationTimeout = null };
        if (args.Length > 0 && !args[0].StartsWith('-') && !IsCommand(root, args[0]))
        {
            Error(config.Error, $"unknown command \"{args[0]}\"");
            WriteUsage(root, config.Error);
            return 1;
        }
        return await root.Parse(args).InvokeAsync(config);
    }

    /// <summary>Writes <paramref name="message"/> to stderr, one <c>YYYY/MM/DD HH:MM:SS</c>-stamped line per line.</summary>
    public static void Error(TextWriter stderr, string message)
    {
        var stamp = TimeProvider.System.GetLocalNow().ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);
        foreach (var line in message.Split('\n')) stderr.WriteLine($"{stamp} {line}");
    }

    /// <summary>The help text of <paramref name="root"/> (or of one of its commands) written to <paramref name="output"/>.</summary>
    public static int WriteUsage(Command root, TextWriter output, string? command = null) =>
        root.Parse(command is null ? ["--help"] : [command, "--help"]).Invoke(new InvocationConfiguration { Output = output });

    /// <summary>A path argument that looks like an option (<c>--bogus</c>) is an unknown option, not a path.</summary>
    public static Argument<string> RejectOptionLike(this Argument<string> argument)
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-')))
                result.AddError($"unknown option {token.Value}");
        });
        return argument;
    }

    private static bool IsCommand(Command root, string name) =>
        root.Subcommands.Any(c => c.Name == name || c.Aliases.Contains(name));

    /// <summary>Joins a directory and a file name the way the original prints paths (<c>.</c> adds nothing).</summary>
    public static string JoinPath(string directory, string name) =>
        directory is "." or "./" or "" ? name : Path.Join(directory, name);
}
