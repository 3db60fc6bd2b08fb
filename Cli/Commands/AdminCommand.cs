using System.CommandLine;
using System.Text.Json.Nodes;
using Moltnet.Cli.Client;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet admin agent remove | room remove | room members add|remove</c> (admin token required).</summary>
public static class AdminCommand
{
    public const string MissingServer = "admin command requires --base-url or --config";

    public static Command Create()
    {
        var agent = new Command("agent", "Manage agents.") { AgentRemove() };
        var members = new Command("members", "Change a room's member list.") { Members("add"), Members("remove") };
        var room = new Command("room", "Manage rooms.") { RoomRemove(), members };
        return new Command("admin", "Operator commands (soft removal, membership); prefer `moltnet apply` for declared state.") { agent, room };
    }

    private static Command AgentRemove()
    {
        var id = new Option<string?>("--agent") { Description = "Agent id to remove (required)" };
        var command = new Command("remove", "Soft-remove an agent: memberships and registration go, history stays.") { id };
        var client = new ClientOptions().AddTo(command, authMode: true);
        command.SetClientAction(async (parse, io, ct) =>
        {
            var agent = Require(parse.GetValue(id), "--agent");
            using var conn = client.Resolve(parse, requireConfig: false, MissingServer);
            io.Json(await conn.Http.DeleteAsync($"/v1/agents/{Uri.EscapeDataString(agent)}", ct), conn.Json);
            return 0;
        });
        return command;
    }

    private static Command RoomRemove()
    {
        var id = new Option<string?>("--room") { Description = "Room id to remove (required)" };
        var command = new Command("remove", "Soft-remove a room: memberships go, history stays.") { id };
        var client = new ClientOptions().AddTo(command, authMode: true);
        command.SetClientAction(async (parse, io, ct) =>
        {
            var room = Require(parse.GetValue(id), "--room");
            using var conn = client.Resolve(parse, requireConfig: false, MissingServer);
            io.Json(await conn.Http.DeleteAsync($"/v1/rooms/{Uri.EscapeDataString(room)}", ct), conn.Json);
            return 0;
        });
        return command;
    }

    private static Command Members(string verb)
    {
        var id = new Option<string?>("--room") { Description = "Room id (required)" };
        var member = new Option<string[]>("--member") { Description = "Member id(s), comma-separated and/or repeated (required)" };
        var command = new Command(verb, verb == "add" ? "Add members to a room." : "Remove members from a room.") { id, member };
        var client = new ClientOptions().AddTo(command, authMode: true);
        command.SetClientAction(async (parse, io, ct) =>
        {
            var room = Require(parse.GetValue(id), "--room");
            var ids = (parse.GetValue(member) ?? []).SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
            if (ids.Length == 0) throw new CliException("--member is required");
            using var conn = client.Resolve(parse, requireConfig: false, MissingServer);
            var body = new JsonObject { [verb] = new JsonArray(ids.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()) };
            io.Json(await conn.Http.PatchAsync($"/v1/rooms/{Uri.EscapeDataString(room)}/members", body, ct), conn.Json);
            return 0;
        });
        return command;
    }

    public static string Require(string? value, string flag) =>
        string.IsNullOrWhiteSpace(value) ? throw new CliException($"{flag} is required") : value.Trim();
}
