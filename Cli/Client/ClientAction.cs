using System.CommandLine;
using System.Text.Json.Nodes;

namespace Moltnet.Cli.Client;

/// <summary>Runs a command body, turning <see cref="CliException"/> into a stamped stderr line and exit 1.</summary>
public static class ClientAction
{
    public static void SetClientAction(this Command command, Func<ParseResult, CommandIO, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, ct) =>
        {
            var io = new CommandIO(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            try
            {
                if (parse.UnmatchedTokens.Count > 0)
                    throw new CliException($"{command.Name} does not accept positional arguments");
                return await body(parse, io, ct);
            }
            catch (CliException e)
            {
                CliHost.Error(io.Error, e.Message);
                return 1;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 130;
            }
        });
}

/// <summary>stdout and stderr of one invocation.</summary>
public sealed record CommandIO(TextWriter Out, TextWriter Error)
{
    public void Json(JsonNode? node, bool compact) => JsonOutput.Write(Out, node, compact);
}
