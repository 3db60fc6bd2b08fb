using System.CommandLine;
using System.Text.Json.Nodes;
using Moltnet.Cli.Client;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet conversations</c>: the configured rooms the server lists (sorted) and, with DMs enabled, the DMs.</summary>
public static class ConversationsCommand
{
    public static Command Create()
    {
        var command = new Command("conversations", "List the rooms and DMs this agent is attached to.");
        var client = new ClientOptions().AddTo(command);
        command.SetClientAction(async (parse, io, ct) =>
        {
            using var conn = client.Resolve(parse, requireConfig: true);
            var attachment = conn.RequireAttachment();
            var configured = (attachment.Rooms ?? []).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var result = new JsonObject();
            if (attachment.Dms?.Enabled == true)
                result["dms"] = (await conn.Http.GetAsync("/v1/dms?limit=500", ct))?["dms"]?.DeepClone() ?? new JsonArray();
            result["member_id"] = attachment.MemberId;
            result["network_id"] = attachment.NetworkId;
            if (configured.Count > 0)
            {
                var rooms = (await conn.Http.GetAsync("/v1/rooms?limit=500", ct))?["rooms"]?.AsArray() ?? [];
                var mine = rooms.Where(r => (string?)r?["id"] is { } id && configured.Contains(id))
                    .OrderBy(r => (string?)r!["id"], StringComparer.Ordinal)
                    .Select(r => r!.DeepClone())
                    .ToArray();
                if (mine.Length > 0) result["rooms"] = new JsonArray(mine);
            }
            io.Json(result, conn.Json);
            return 0;
        });
        return command;
    }
}
