using System.Text.Json.Nodes;
using Moltnet.NodeClient.Daemon;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Tests.Daemon;

/// <summary>Spec node-and-cli §2.7–2.8 (checklist 41, 44).</summary>
public sealed class PromptsTests
{
    private static Message Sample(Target target) => WakeFilterTests.Msg(target, mentions: ["molt://local/agents/alpha"]) with
    {
        Id = "msg_123",
        From = new Actor { Type = "agent", Id = "writer", Name = "Writer", Fqid = "molt://local/agents/writer" },
        Parts =
        [
            new Part { Kind = "text", Text = "  hello  " },
            new Part { Kind = "url", Url = "https://example.com/x" },
            new Part { Kind = "data", Data = new JsonObject { ["files"] = new JsonArray("a.txt", "b.png") } },
            new Part { Kind = "image", Url = "ignored" },
        ],
    };

    [Fact]
    public void Compact_prompt_has_the_spec_fields_in_order()
    {
        var text = Prompts.Compact("local", Sample(new Target { Kind = TargetKind.Room, RoomId = "research" }));
        Assert.Equal("""
            Channel: moltnet
            Chat ID: local:room:research
            From: molt://local/agents/writer
            Name: Writer
            Mentions: molt://local/agents/alpha
            Message ID: msg_123

            Message:
            hello
            https://example.com/x
            files: a.txt, b.png

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Sender_without_fqid_or_name_falls_back_to_net_type_id()
    {
        var m = WakeFilterTests.Msg(new Target { Kind = TargetKind.Dm, DmId = "d1" }) with { From = new Actor { Type = "human", Id = "op" } };
        var text = Prompts.Compact("local", m);
        Assert.Contains("Chat ID: local:dm:d1\nFrom: local/human/op\nName: op\n", text);
        Assert.Equal("[dm] op\nhi", Prompts.Control(m));
    }

    [Fact]
    public void Keys_per_target_kind()
    {
        var thread = Sample(new Target { Kind = TargetKind.Thread, RoomId = "r", ThreadId = "t9" });
        Assert.Equal("moltnet:local:thread:t9", ConversationKeys.ContextId("local", thread));
        Assert.Equal("local:thread:t9", ConversationKeys.ChatId("local", thread));
        Assert.Equal("agent:alpha:local:thread:t9", ConversationKeys.CliSessionKey("", "alpha", "local", thread));
        Assert.Equal("team:local:thread:t9", ConversationKeys.CliSessionKey("team", "alpha", "local", thread));
        var odd = Sample(new Target { Kind = "room" });
        Assert.Equal("moltnet:local:msg_123", ConversationKeys.ContextId("local", odd));
        Assert.Equal("local:message:msg_123", ConversationKeys.ChatId("local", odd));
    }

    [Fact]
    public void Batch_of_one_is_the_compact_prompt_and_of_several_lists_them_in_order()
    {
        var room = new Target { Kind = TargetKind.Room, RoomId = "research" };
        var a = Sample(room);
        var b = Sample(room) with { Id = "msg_456" };
        Assert.Equal(Prompts.Compact("local", a), Prompts.Batch("local", [a]));
        var batch = Prompts.Batch("local", [a, b]);
        Assert.StartsWith("Channel: moltnet\nChat ID: local:room:research\nQueued messages: 2\n\n", batch);
        Assert.True(batch.IndexOf("--- Message 1/2 ---\nFrom: molt://local/agents/writer\nName: Writer\nMentions: molt://local/agents/alpha\nMessage ID: msg_123\n", StringComparison.Ordinal)
            < batch.IndexOf("--- Message 2/2 ---\nFrom: molt://local/agents/writer\nName: Writer\nMentions: molt://local/agents/alpha\nMessage ID: msg_456\n", StringComparison.Ordinal));
    }
}
