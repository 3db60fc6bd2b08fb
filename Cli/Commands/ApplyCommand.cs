using System.CommandLine;
using System.Text.Json.Nodes;
using Moltnet.Cli.Client;
using Moltnet.Configuration;
using Moltnet.Silo.Configuration;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet apply [path]</c>: push the server config's rooms and agent bindings to a running server, after
/// showing what would change. <c>--dry-run</c> shows only; <c>--yes</c> skips the confirmation.</summary>
public static class ApplyCommand
{
    public static Command Create()
    {
        var path = new Argument<string?>("path") { Description = "Server config (default: $MOLTNET_CONFIG, ./Moltnet, moltnet.yaml, .yml, .json)", Arity = ArgumentArity.ZeroOrOne };
        var yes = new Option<bool>("--yes", "-y") { Description = "Apply without asking" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only show the changes" };
        var command = new Command("apply", "Apply the server config's rooms and agent bindings to a running server (admin token).") { path, yes, dryRun };
        var client = new ClientOptions().AddTo(command, authMode: true);
        command.SetClientAction(async (parse, io, ct) =>
        {
            var progress = new Progress(io.Error);
            var steps = parse.GetValue(dryRun) ? 2 : 3;
            progress.Step(1, steps, "reading server config");
            MoltnetConfig config;
            try
            {
                config = ConfigLoader.Load(parse.GetValue(path), Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable);
            }
            catch (ConfigException e)
            {
                throw new CliException(string.Join('\n', e.Errors));
            }
            var request = ApplyPlan.Request(config, w => CliHost.Error(io.Error, w));
            using var conn = client.Resolve(parse, requireConfig: false, AdminCommand.MissingServer);
            progress.Step(2, steps, "comparing with the live server");
            var changes = ApplyPlan.Diff(request, await ListAsync(conn, "/v1/rooms", "rooms", ct), await ListAsync(conn, "/v1/agents", "agents", ct));
            progress.Done();
            if (parse.GetValue(dryRun))
            {
                if (conn.Json) io.Json(new JsonObject { ["dry_run"] = true, ["changes"] = new JsonArray(changes.Select(c => (JsonNode)c.ToJson()).ToArray()) }, true);
                else WriteDiff(io.Out, changes);
                return 0;
            }
            if (!conn.Json) WriteDiff(io.Error, changes);
            if (!parse.GetValue(yes)) Confirm(io);
            progress.Step(3, steps, $"applying {request["rooms"]!.AsArray().Count} room(s) and {request["agents"]!.AsArray().Count} agent binding(s)");
            var result = await conn.Http.PostAsync("/v1/apply", request, ct);
            progress.Done();
            io.Json(result, conn.Json);
            return 0;
        });
        return command;
    }

    private static void WriteDiff(TextWriter writer, IReadOnlyList<ApplyChange> changes)
    {
        var pending = changes.Count(c => c.Op != "=");
        writer.WriteLine(pending == 0 ? "no changes" : $"{pending} change(s):");
        foreach (var c in changes) writer.WriteLine("  " + c.Text);
    }

    private static void Confirm(CommandIO io)
    {
        if (Console.IsInputRedirected) throw new CliException("apply needs confirmation: pass --yes (stdin is not a terminal) or --dry-run");
        io.Error.Write("Apply these changes? [y/N] ");
        var answer = Console.ReadLine()?.Trim().ToLowerInvariant();
        if (answer is not ("y" or "yes")) throw new CliException("apply cancelled");
    }

    /// <summary>Every item of a collection route, following <c>next_after</c>.</summary>
    private static async Task<IReadOnlyList<JsonNode>> ListAsync(Connection conn, string path, string field, CancellationToken ct)
    {
        var items = new List<JsonNode>();
        string? after = null;
        do
        {
            var page = await conn.Http.GetAsync($"{path}?limit=500{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}", ct);
            items.AddRange(page?[field]?.AsArray().OfType<JsonNode>() ?? []);
            after = (string?)page?["page"]?["next_after"];
        }
        while (after is not null);
        return items;
    }
}
