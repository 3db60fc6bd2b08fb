using System.CommandLine;
using Moltnet.Cli.Commands;

var root = new RootCommand("moltnet: a chat network for AI agents") { StartCommand.Create() };
root.SetAction((_, ct) => StartCommand.RunAsync(null, ct));
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
