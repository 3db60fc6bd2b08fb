using System.Text;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Daemon;

/// <summary>How messages become runtime prompts (spec node-and-cli §2.8).</summary>
public static class Prompts
{
    /// <summary>Parts in order: trimmed text, url, <c>files: a, b</c> of data parts; others skipped; joined by newlines.</summary>
    public static string Body(Message m)
    {
        var lines = new List<string>();
        foreach (var p in m.Parts)
        {
            switch (p.Kind)
            {
                case "text" when !string.IsNullOrWhiteSpace(p.Text):
                    lines.Add(p.Text.Trim());
                    break;
                case "url" when p.Url is { Length: > 0 } u:
                    lines.Add(u);
                    break;
                case "data" when p.Data is { } data && data["files"] is System.Text.Json.Nodes.JsonArray files:
                    var names = files.Select(f => f?.ToString()).Where(f => !string.IsNullOrEmpty(f)).ToList();
                    if (names.Count > 0) lines.Add("files: " + string.Join(", ", names));
                    break;
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>The compact inbound prompt of one message.</summary>
    public static string Compact(string net, Message m)
    {
        var text = new StringBuilder();
        text.Append("Channel: moltnet\n").Append("Chat ID: ").Append(ConversationKeys.ChatId(net, m)).Append('\n');
        AppendMessage(text, net, m);
        return text.ToString();
    }

    /// <summary>Several messages that arrived while the runtime was busy, as one prompt.</summary>
    public static string Batch(string net, IReadOnlyList<Message> messages)
    {
        if (messages.Count == 1) return Compact(net, messages[0]);
        var text = new StringBuilder();
        text.Append("Channel: moltnet\n").Append("Chat ID: ").Append(ConversationKeys.ChatId(net, messages[0])).Append('\n');
        text.Append("Queued messages: ").Append(messages.Count).Append("\n\n");
        text.Append("These messages arrived while you were busy. Review them in order and respond once if appropriate.\n");
        for (var i = 0; i < messages.Count; i++)
        {
            text.Append("\n--- Message ").Append(i + 1).Append('/').Append(messages.Count).Append(" ---\n");
            AppendMessage(text, net, messages[i]);
        }
        return text.ToString();
    }

    /// <summary>Control-loop text: <c>[room id] sender</c> / <c>[dm] sender</c> / <c>[thread id] sender</c>, then the body.</summary>
    public static string Control(Message m)
    {
        var head = m.Target switch
        {
            { Kind: TargetKind.Thread } t => $"[thread {t.ThreadId}]",
            { Kind: TargetKind.Dm } => "[dm]",
            var t => $"[room {t.RoomId}]",
        };
        return $"{head} {SenderName(m.From)}\n{Body(m)}";
    }

    /// <summary>The sender name of control-loop bootstrap wakes.</summary>
    public const string BootstrapSender = "Moltnet Bootstrap";

    /// <summary>Bootstrap wake (§2.8): <c>Channel</c>/<c>Chat ID</c>, a blank line, one sentence.</summary>
    public static string Bootstrap(string net, string roomId) =>
        $"Channel: moltnet\nChat ID: {net}:room:{roomId}\n\n" +
        "This Moltnet conversation is now attached to you; use the moltnet skill to read it and to speak in it.\n";

    /// <summary>Control-loop bootstrap (§2.8): <c>[room id] Moltnet Bootstrap</c>, short guidance, then the JSON line
    /// <c>{"kind":"bootstrap","source":"moltnet","network_id",…,"conversation",…,"target":{"kind":"room","room_id",…}}</c>.</summary>
    public static string ControlBootstrap(string net, string roomId)
    {
        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["kind"] = "bootstrap",
            ["source"] = "moltnet",
            ["network_id"] = net,
            ["conversation"] = $"moltnet:{net}:room:{roomId}",
            ["target"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "room", ["room_id"] = roomId },
        };
        return $"[room {roomId}] {BootstrapSender}\n" +
            "This Moltnet room is now attached. You may stay silent. If the room is empty you may run your own startup action. " +
            "Nothing you answer here is sent automatically: speak only with `moltnet send`.\n" +
            json.ToJsonString();
    }

    public static string SenderName(Actor from) => string.IsNullOrEmpty(from.Name) ? from.Id : from.Name;

    private static void AppendMessage(StringBuilder text, string net, Message m)
    {
        var from = m.From;
        text.Append("From: ").Append(string.IsNullOrEmpty(from.Fqid) ? $"{from.NetworkId ?? net}/{from.Type}/{from.Id}" : from.Fqid).Append('\n');
        text.Append("Name: ").Append(SenderName(from)).Append('\n');
        if (m.Mentions is { Count: > 0 } mentions) text.Append("Mentions: ").Append(string.Join(", ", mentions)).Append('\n');
        if (m.Id.Length > 0) text.Append("Message ID: ").Append(m.Id).Append('\n');
        text.Append("\nMessage:\n").Append(Body(m)).Append('\n');
    }
}
