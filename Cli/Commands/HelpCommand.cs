using System.CommandLine;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet help [command]</c>: the same usage as <c>--help</c>.</summary>
public static class HelpCommand
{
    public static Command Create()
    {
        var topic = new Argument<string?>("command") { Description = "Show the usage of this command.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("help", "Show usage.") { topic };
        command.SetAction(parseResult =>
        {
            var root = parseResult.RootCommandResult.Command;
            var name = parseResult.GetValue(topic);
            if (name is not null && !root.Subcommands.Any(c => c.Name == name || c.Aliases.Contains(name)))
            {
                CliHost.Error(parseResult.InvocationConfiguration.Error, $"unknown command \"{name}\"");
                return 1;
            }
            return CliHost.WriteUsage(root, parseResult.InvocationConfiguration.Output, name);
        });
        return command;
    }
}
