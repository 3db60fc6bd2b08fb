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
    NodeCommand.Create(RemoteNodeCommands.AddTo, RemoteNodeStatus),
    ConnectCommand.Create(),
    SkillCommand.Create(),
    ApplyCommand.Create(),
    AdminCommand.Create(),
    CompletionCommand.Create(),
};
root.SetAction((_, ct) => StartCommand.RunAsync(null, ct));
VersionCommand.UseForVersionOption(root);

return await CliHost.InvokeAsync(root, args);

// The remote-node section of `moltnet node status` (remote-nodes.md §10), after the daemon's attachments.
static Task<int> RemoteNodeStatus(NodeStatusContext context, CancellationToken ct)
{
    if (!context.Json)
        foreach (var line in RemoteNodeCommands.StatusLines()) context.Output.WriteLine(line);
    return Task.FromResult(0);
}
