using Moltnet.NodeClient.Configuration;
using Moltnet.NodeClient.Daemon;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Tests.Daemon;

/// <summary>Spec node-and-cli §2.6 (checklist 35–39).</summary>
public sealed class WakeFilterTests
{
    private static readonly NodeAttachment Alpha = new()
    {
        Agent = new NodeAgent { Id = "alpha", Name = "Alpha" },
        Rooms =
        [
            new NodeRoomBinding { Id = "all", Wake = WakeModes.All },
            new NodeRoomBinding { Id = "mentions", Wake = WakeModes.Mentions },
            new NodeRoomBinding { Id = "threads", Wake = WakeModes.ThreadOnly },
            new NodeRoomBinding { Id = "never", Wake = WakeModes.Never },
        ],
        Dms = new NodeDmBinding { Enabled = true, Wake = WakeModes.All },
    };

    internal static Message Msg(Target target, string fromId = "writer", IReadOnlyList<string>? mentions = null, string net = "local") => new()
    {
        Id = "msg_1",
        NetworkId = net,
        Origin = new Origin(net, "msg_1"),
        Target = target,
        From = new Actor { Type = "agent", Id = fromId, Name = "Writer" },
        Parts = [new Part { Kind = "text", Text = "hi" }],
        Mentions = mentions,
    };

    private static Event Created(Message m) => new() { Id = "evt_1", Type = EventTypes.MessageCreated, NetworkId = m.NetworkId, Message = m };

    private static bool Wakes(Message m, NodeAttachment? a = null) => WakeFilter.ShouldWake(Created(m), a ?? Alpha, "local") is not null;

    private static Target Room(string id) => new() { Kind = TargetKind.Room, RoomId = id };

    [Fact]
    public void Own_messages_in_any_id_form_and_other_networks_never_wake()
    {
        Assert.False(Wakes(Msg(Room("all"), "alpha")));
        Assert.False(Wakes(Msg(Room("all"), "local:alpha")));
        Assert.False(Wakes(Msg(Room("all"), "molt://local/agents/alpha")));
        Assert.False(Wakes(Msg(Room("all"), net: "other")));
        Assert.True(Wakes(Msg(Room("all"))));
    }

    [Fact]
    public void Room_wake_modes()
    {
        Assert.False(Wakes(Msg(Room("never"))));
        Assert.False(Wakes(Msg(Room("unbound"))));
        Assert.False(Wakes(Msg(Room("mentions"))));
        Assert.False(Wakes(Msg(Room("mentions"), mentions: ["molt://local/agents/beta"])));
        foreach (var form in new[] { "alpha", "local:alpha", "molt://local/agents/alpha", "Alpha" })
            Assert.True(Wakes(Msg(Room("mentions"), mentions: [form])), form);
        Assert.False(Wakes(Msg(Room("threads"))));
        Assert.True(Wakes(Msg(new Target { Kind = TargetKind.Thread, RoomId = "threads", ThreadId = "t1" })));
    }

    [Fact]
    public void Dms_need_enabled_dms_a_waking_mode_and_the_agent_among_participants()
    {
        var dm = new Target { Kind = TargetKind.Dm, DmId = "d1", ParticipantIds = ["writer", "alpha"] };
        Assert.True(Wakes(Msg(dm)));
        Assert.False(Wakes(Msg(dm with { ParticipantIds = ["writer", "beta"] })));
        Assert.False(Wakes(Msg(dm), Alpha with { Dms = new NodeDmBinding { Enabled = false } }));
        Assert.False(Wakes(Msg(dm), Alpha with { Dms = new NodeDmBinding { Enabled = true, Wake = WakeModes.Never } }));
        Assert.False(Wakes(Msg(dm), Alpha with { Dms = new NodeDmBinding { Enabled = true, Wake = WakeModes.ThreadOnly } }));
        Assert.True(Wakes(Msg(dm), Alpha with { Dms = new NodeDmBinding { Enabled = true, Wake = WakeModes.Mentions } }));
    }

    [Fact]
    public void Openclaw_ignores_thread_targets_even_in_a_waking_room()
    {
        var openclaw = Alpha with { Runtime = new NodeRuntime { Kind = RuntimeKinds.OpenClaw } };
        Assert.False(Wakes(Msg(new Target { Kind = TargetKind.Thread, RoomId = "all", ThreadId = "t1" }), openclaw));
        Assert.True(Wakes(Msg(Room("all")), openclaw));
        Assert.True(Wakes(Msg(new Target { Kind = TargetKind.Thread, RoomId = "all", ThreadId = "t1" })));
    }

    [Fact]
    public void Only_created_messages_wake() =>
        Assert.Null(WakeFilter.ShouldWake(new Event { Id = "e", Type = EventTypes.RoomCreated, NetworkId = "local" }, Alpha, "local"));
}
