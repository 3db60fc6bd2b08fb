using System.Text.Json.Nodes;
using Moltnet.NodeClient.Daemon;
using Moltnet.NodeClient.Runtimes;
using Moltnet.NodeClient.Tests.Daemon;
using Moltnet.TestSupport;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Tests.Runtimes;

/// <summary>The pure parts of the openclaw, picoclaw and tinyclaw adapters (spec node-and-cli §2.7–2.8, §3).</summary>
public sealed class RuntimePartsTests
{
    private static Wake WakeIn(Target target)
    {
        var m = WakeFilterTests.Msg(target);
        return new Wake(m, "local", ConversationKeys.ContextId("local", m), ConversationKeys.ChatId("local", m), "p", "c1");
    }

    private static string Call(string name, JsonNode args) =>
        new JsonObject { ["role"] = "assistant", ["tool_calls"] = new JsonArray(new JsonObject { ["name"] = name, ["arguments"] = args }) }.ToJsonString();

    private static JsonObject Args(string chatId, string content, string? channel = null)
    {
        var o = new JsonObject { ["chat_id"] = chatId, ["content"] = content };
        if (channel is not null) o["channel"] = channel;
        return o;
    }

    [Fact]
    public void Picoclaw_message_calls_go_to_rooms_the_current_dm_or_the_current_conversation_and_nothing_else()
    {
        var dm = new Target { Kind = TargetKind.Dm, DmId = "d1", ParticipantIds = ["writer", "alpha"] };
        var skipped = new List<string?>();
        string[] lines =
        [
            Call("message", Args("", "here")),
            Call("message", Args("local:room:lab", "lab", "moltnet")),
            Call("message", Args("room:lab", "lab too")),
            Call("message", Args("dm:d1", "this dm")),
            Call("message", Args("local:dm:d2", "other dm")),
            Call("message", Args("other:room:lab", "other network")),
            Call("message", Args("", "elsewhere", "telegram")),
            Call("message", Args("", "   ")),
            Call("exec", Args("", "not a message")),
            new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["function"] = new JsonObject { ["name"] = "message", ["arguments"] = Args("", "wrapped").ToJsonString() } }) }.ToJsonString(),
            "not json",
        ];
        var calls = PicoClawCommandRuntime.MessageCalls(lines, WakeIn(dm), skipped.Add).ToList();
        Assert.Equal(["here", "lab", "lab too", "this dm", "wrapped"], calls.Select(c => c.Text));
        Assert.Equal(dm, calls[0].Target);
        Assert.Equal(new Target { Kind = TargetKind.Room, RoomId = "lab" }, calls[1].Target);
        Assert.Equal(dm, calls[3].Target);
        Assert.Equal(["local:dm:d2", "other:room:lab"], skipped);

        var inRoom = PicoClawCommandRuntime.MessageCalls([Call("message", Args("dm:d1", "x"))], WakeIn(new Target { Kind = TargetKind.Room, RoomId = "lab" }), _ => { });
        Assert.Empty(inRoom);
    }

    [Fact]
    public void Picoclaw_keys_and_transcript_path()
    {
        Assert.Equal("agent:alpha:local:room:lab", PicoClawKeys.SessionKey("alpha", "moltnet:local:room:lab"));
        Assert.Equal(Path.Combine("/h", "workspace", "sessions", "agent_alpha_local_room_a_b_c.jsonl"), PicoClawKeys.SessionFile("/h", "agent:alpha:local:room:a/b\\c"));
    }

    [Fact]
    public void Tinyclaw_sender_ids_per_target_kind()
    {
        Assert.Equal("room:lab", TinyClawQueueRuntime.SenderId(new Target { Kind = TargetKind.Room, RoomId = "lab" }));
        Assert.Equal("dm:d1", TinyClawQueueRuntime.SenderId(new Target { Kind = TargetKind.Dm, DmId = "d1" }));
        Assert.Equal("thread:my%20lab:t%3A1:msg_1", TinyClawQueueRuntime.SenderId(new Target { Kind = TargetKind.Thread, RoomId = "my lab", ThreadId = "t:1", ParentMessageId = "msg_1" }));
    }

    [Fact]
    public void Openclaw_final_text_is_the_text_or_the_text_blocks_joined_by_blank_lines()
    {
        Assert.Equal("plain", OpenClawRuntime.Text(new JsonObject { ["text"] = "plain" }));
        Assert.Equal("a\n\nb", OpenClawRuntime.Text(new JsonObject
        {
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "a" }, new JsonObject { ["type"] = "tool_use" }, new JsonObject { ["type"] = "text", ["text"] = "b" }),
        }));
        Assert.Null(OpenClawRuntime.Text(null));
    }

    [Fact]
    public void Openclaw_device_key_is_created_private_reloaded_unchanged_and_refused_when_loose()
    {
        using var dir = new TempDirectory();
        var path = OpenClawDevice.PathFor("", dir.Path, "ws://127.0.0.1:18789", "alpha");
        Assert.Equal(Path.Combine(dir.Path, "openclaw", "alpha.json"), path);
        Assert.Equal(Path.Combine("/home/a", ".moltnet", "openclaw-device.json"), OpenClawDevice.PathFor("/home/a", dir.Path, "ws://x", "alpha"));

        var created = OpenClawDevice.LoadOrCreate(path, TimeProvider.System);
        Assert.Equal(TempDirectory.Private, TempDirectory.ModeOf(path));
        Assert.Equal(32, created.RawPublicKey.Length);
        var again = OpenClawDevice.LoadOrCreate(path, TimeProvider.System);
        Assert.Equal(created.Id, again.Id);
        Assert.Equal(created.Sign("payload"), again.Sign("payload"));

        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(path, TempDirectory.WorldReadable);
        Assert.Contains("chmod 600", Assert.Throws<InvalidOperationException>(() => OpenClawDevice.LoadOrCreate(path, TimeProvider.System)).Message);
    }

    [Fact]
    public void Bootstrap_prompts()
    {
        Assert.Equal("Channel: moltnet\nChat ID: local:room:lab\n\nThis Moltnet conversation is now attached to you; use the moltnet skill to read it and to speak in it.\n",
            Prompts.Bootstrap("local", "lab"));
        var control = Prompts.ControlBootstrap("local", "lab").Split('\n');
        Assert.Equal("[room lab] Moltnet Bootstrap", control[0]);
        Assert.Equal("""{"kind":"bootstrap","source":"moltnet","network_id":"local","conversation":"moltnet:local:room:lab","target":{"kind":"room","room_id":"lab"}}""", control[^1]);
    }
}
