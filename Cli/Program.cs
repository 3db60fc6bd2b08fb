using System.CommandLine;
using Moltnet.Cli;
using Moltnet.Cli.Commands;

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
};
root.SetAction((_, ct) => StartCommand.RunAsync(null, ct));
VersionCommand.UseForVersionOption(root);

return await CliHost.InvokeAsync(root, args);
