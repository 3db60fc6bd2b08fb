using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet version</c> and <c>moltnet --version</c>: print <c>moltnet &lt;version&gt;</c>.</summary>
public static class VersionCommand
{
    /// <summary>The build version (the informational version without its source-revision suffix).</summary>
    public static string Version { get; } =
        (typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0-dev")
        .Split('+')[0];

    public static string Text => $"moltnet {Version}";

    public static Command Create()
    {
        var command = new Command("version", "Print the version.");
        command.SetAction(parseResult =>
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Text);
            return 0;
        });
        return command;
    }

    /// <summary>Makes the root's built-in <c>--version</c> print the same text as the command.</summary>
    public static void UseForVersionOption(RootCommand root)
    {
        foreach (var option in root.Options.OfType<VersionOption>()) option.Action = new PrintVersion();
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Text);
            return 0;
        }
    }
}
