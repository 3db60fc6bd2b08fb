using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Moltnet.Cli.Client;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet send --target T --text X</c>: post a message as the configured agent (spec node-and-cli §4).</summary>
public static class SendCommand
{
    public static Command Create()
    {
        var target = new Option<string?>("--target") { Description = "room:<id> or dm:<id>" };
        var thread = new Option<string?>("--thread") { Description = "Reply in this thread of the room target (created by the first reply)" };
        var parent = new Option<string?>("--parent") { Description = "Parent message id when starting a thread" };
        var text = new Option<string?>("--text") { Description = "Message text (required)" };
        var mention = new Option<string[]>("--mention") { Description = "Mention this agent (repeatable)", AllowMultipleArgumentsPerToken = false };
        var file = new Option<string[]>("--file") { Description = "Attach a file part: name, media type, size and sha256 (repeatable; the server stores no bytes)" };
        var url = new Option<string[]>("--url") { Description = "Attach a url part (repeatable)" };
        var command = new Command("send", "Send a message to a room, thread or DM as the configured agent.") { target, thread, parent, text, mention, file, url };
        var client = new ClientOptions().AddTo(command);
        command.SetClientAction(async (parse, io, ct) =>
        {
            var t = Target.Parse(parse.GetValue(target));
            var body = parse.GetValue(text);
            if (string.IsNullOrEmpty(body)) throw new CliException("--text is required");
            var threadId = parse.GetValue(thread);
            if (!string.IsNullOrEmpty(threadId) && t.Kind != Target.Room) throw new CliException("--thread needs a room:<id> target");
            var parts = new JsonArray { new JsonObject { ["kind"] = "text", ["text"] = body } };
            foreach (var u in parse.GetValue(url) ?? []) parts.Add(UrlPart(u));
            foreach (var f in parse.GetValue(file) ?? []) parts.Add(FilePart(f));
            using var conn = client.Resolve(parse, requireConfig: true);
            var attachment = conn.RequireAttachment();
            t.CheckAllowed(attachment);
            var request = new JsonObject
            {
                ["target"] = await TargetJsonAsync(conn, t, threadId, parse.GetValue(parent), ct),
                ["from"] = new JsonObject
                {
                    ["type"] = "agent",
                    ["id"] = attachment.MemberId,
                    ["name"] = attachment.AgentName ?? conn.Config?.Agent?.Name ?? attachment.MemberId,
                    ["network_id"] = attachment.NetworkId,
                },
                ["parts"] = parts,
            };
            var mentions = parse.GetValue(mention) ?? [];
            if (mentions.Length > 0) request["mentions"] = new JsonArray(mentions.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray());
            io.Json(await conn.Http.PostAsync("/v1/messages", request, ct), conn.Json);
            return 0;
        });
        return command;
    }

    private static async Task<JsonObject> TargetJsonAsync(Connection conn, Target t, string? threadId, string? parent, CancellationToken ct)
    {
        if (t.Kind == Target.Dm)
        {
            var dm = await conn.Http.GetAsync(t.Path, ct);
            var participants = dm?["participant_ids"]?.AsArray().Select(p => (string?)p).OfType<string>().ToList() ?? [];
            return new JsonObject
            {
                ["kind"] = "dm",
                ["dm_id"] = t.Id,
                ["participant_ids"] = new JsonArray(participants.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()),
            };
        }
        if (string.IsNullOrEmpty(threadId)) return new JsonObject { ["kind"] = "room", ["room_id"] = t.Id };
        var target = new JsonObject { ["kind"] = "thread", ["room_id"] = t.Id, ["thread_id"] = threadId };
        if (!string.IsNullOrEmpty(parent)) target["parent_message_id"] = parent;
        return target;
    }

    private static JsonObject UrlPart(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "molt"))
            throw new CliException($"--url must be an http, https or molt URL (got \"{url}\")");
        return new JsonObject { ["kind"] = "url", ["url"] = url };
    }

    /// <summary>A <c>file</c> part describing a local file: the server stores no blobs, so only its size and SHA-256 travel.</summary>
    public static JsonObject FilePart(string path)
    {
        if (!File.Exists(path)) throw new CliException($"--file {path}: no such file");
        using var stream = File.OpenRead(path);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new JsonObject
        {
            ["kind"] = "file",
            ["media_type"] = MediaTypes.Guess(path),
            ["filename"] = Path.GetFileName(path),
            ["data"] = new JsonObject { ["size"] = stream.Length, ["sha256"] = hash },
        };
    }
}
