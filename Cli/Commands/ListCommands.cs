using System.CommandLine;
using Moltnet.Cli.Client;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet rooms</c> and <c>moltnet agents</c>: the server's room and agent lists as the caller sees them.</summary>
public static class ListCommands
{
    public static Command Rooms() => Create("rooms", "List the rooms the caller can read (with access).", "/v1/rooms");

    public static Command Agents() => Create("agents", "List the agents the caller can see (with connection state).", "/v1/agents");

    private static Command Create(string name, string description, string path)
    {
        var limit = new Option<int>("--limit") { Description = "Items per page (1-500)", DefaultValueFactory = _ => 100 };
        var before = new Option<string?>("--before") { Description = "Page ending just before this id" };
        var after = new Option<string?>("--after") { Description = "Page starting just after this id" };
        var command = new Command(name, description) { limit, before, after };
        var client = new ClientOptions().AddTo(command);
        command.SetClientAction(async (parse, io, ct) =>
        {
            var n = parse.GetValue(limit);
            if (n is < 1 or > 500) throw new CliException($"--limit must be between 1 and 500 (got {n})");
            var (b, a) = (parse.GetValue(before), parse.GetValue(after));
            if (!string.IsNullOrEmpty(b) && !string.IsNullOrEmpty(a)) throw new CliException("--before and --after cannot be used together");
            using var conn = client.Resolve(parse, requireConfig: false);
            var query = $"?limit={n}" + (string.IsNullOrEmpty(b) ? "" : $"&before={Uri.EscapeDataString(b)}") + (string.IsNullOrEmpty(a) ? "" : $"&after={Uri.EscapeDataString(a)}");
            io.Json(await conn.Http.GetAsync(path + query, ct), conn.Json);
            return 0;
        });
        return command;
    }
}
