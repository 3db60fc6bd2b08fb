using System.CommandLine;
using Moltnet.Cli.Client;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet participants --target T</c>: the room (with members) or the DM (with participant ids).</summary>
public static class ParticipantsCommand
{
    public static Command Create()
    {
        var target = new Option<string?>("--target") { Description = "room:<id> or dm:<id>" };
        var command = new Command("participants", "Show a room's members or a DM's participants.") { target };
        var client = new ClientOptions().AddTo(command);
        command.SetClientAction(async (parse, io, ct) =>
        {
            var t = Target.Parse(parse.GetValue(target));
            using var conn = client.Resolve(parse, requireConfig: true);
            t.CheckAllowed(conn.RequireAttachment());
            io.Json(await conn.Http.GetAsync(t.Path, ct), conn.Json);
            return 0;
        });
        return command;
    }
}
