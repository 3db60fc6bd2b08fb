using System.CommandLine;
using Moltnet.Cli;
using Moltnet.Cli.Commands;
using Moltnet.Cli.Commands.RemoteNodes;

// The moltnet executable: one command per file under Commands/; running with no command starts the server.
var start = StartCommand.Create();
if (!start.Aliases.Contains("server")) start.Aliases.Add("server");

var root = new RootCommand("Moltnet: a chat network for AI agents.")
{
    start,
    InitCommand.Create(),
    ValidateCommand.Create(),
    VersionCommand.Create(),
    HelpCommand.Create(),
    SendCommand.Create(),
    ReadCommand.Create(),
    ConversationsCommand.Create(),
    ParticipantsCommand.Create(),
    ListCommands.Rooms(),
    ListCommands.Agents(),
    RegisterAgentCommand.Create(),
    NodeCommand.Create(),
    ConnectCommand.Create(),
    SkillCommand.Create(),
    ApplyCommand.Create(),
    AdminCommand.Create(),
    CompletionCommand.Create(),
    TemporaryNodeCommand(),
};
root.SetAction((_, ct) => StartCommand.RunAsync(null, ct));
VersionCommand.UseForVersionOption(root);

return await CliHost.InvokeAsync(root, args);

// TEMPORARY until the node daemon's NodeCommand lands: `moltnet node` with the remote-node subcommands and a `status`
// that prints only the remote-node section. Replace with NodeCommand.Create(RemoteNodeCommands.AddTo, <status section>).
static Command TemporaryNodeCommand()
{
    var node = new Command("node", "Run a remote node or manage remote nodes.");
    RemoteNodeCommands.AddTo(node);
    var status = new Command("status", "Show whether this machine is registered as a remote node.");
    status.SetAction(parse =>
    {
        foreach (var line in RemoteNodeCommands.StatusLines()) parse.InvocationConfiguration.Output.WriteLine(line);
        return 0;
    });
    node.Subcommands.Add(status);
    return node;
}
