using System.CommandLine;

namespace Moltnet.Cli.Commands;

/// <summary>Placeholder so this branch compiles; the real <c>moltnet start</c> replaces this file on merge.</summary>
public static class StartCommand
{
    public static Command Create()
    {
        var command = new Command("start", "Run the server in the foreground.");
        command.SetAction(parseResult =>
        {
            parseResult.InvocationConfiguration.Error.WriteLine("not wired");
            return 1;
        });
        return command;
    }
}
