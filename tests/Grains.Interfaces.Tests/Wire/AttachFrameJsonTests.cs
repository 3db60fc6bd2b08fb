using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>Spec §4 attachment frames; <c>capabilities</c> is always emitted, even empty.</summary>
public sealed class AttachFrameJsonTests
{
    private const string V1 = Protocols.AttachV1;

    [Fact]
    public void Hello()
    {
        Golden.RoundTrips(
            """{"op":"HELLO","version":"moltnet.attach.v1","heartbeat_interval_ms":5000,"capabilities":{}}""",
            new AttachFrame { Op = AttachOps.Hello, Version = V1, HeartbeatIntervalMs = 5000 });
    }

    [Fact]
    public void Identify_is_read_case_insensitively_ignoring_unknown_fields()
    {
        var frame = Golden.Reads<AttachFrame>(
            """{"OP":"IDENTIFY","Version":"moltnet.attach.v1","NETWORK_ID":"local","Agent":{"ID":"alpha","Name":"Alpha","mood":"ok"},"capabilities":{"Rooms":true,"dms":false},"Cursor":"evt_9","extra":{"deep":[1,2]},"heartbeat":null}""");
        Assert.Equivalent(
            new AttachFrame
            {
                Op = AttachOps.Identify, Version = V1, NetworkId = "local",
                Agent = new Actor { Id = "alpha", Name = "Alpha" },
                Capabilities = new AttachCapabilities(Rooms: true),
                Cursor = "evt_9",
            },
            frame,
            strict: true);
    }

    [Fact]
    public void Identify_written_by_a_client()
    {
        Golden.RoundTrips(
            """{"op":"IDENTIFY","version":"moltnet.attach.v1","network_id":"local","agent":{"type":"agent","id":"alpha","name":"Alpha"},"capabilities":{"rooms":true,"threads":true,"dms":true,"artifacts":true},"cursor":"evt_9"}""",
            new AttachFrame
            {
                Op = AttachOps.Identify, Version = V1, NetworkId = "local",
                Agent = new Actor { Type = "agent", Id = "alpha", Name = "Alpha" },
                Capabilities = new AttachCapabilities(true, true, true, true), Cursor = "evt_9",
            });
    }

    [Fact]
    public void Capabilities_false_is_omitted()
    {
        Golden.Writes("{}", new AttachCapabilities(false, false, false, false));
        Golden.Writes("""{"dms":true}""", new AttachCapabilities(Dms: true) with { Rooms = false });
    }

    [Fact]
    public void Ready_with_and_without_agent_token()
    {
        var ready = new AttachFrame
        {
            Op = AttachOps.Ready, Version = V1, NetworkId = "local", AgentId = "alpha",
            ActorUid = "actor_1", ActorUri = "molt://local/agents/alpha",
        };
        Golden.RoundTrips(
            """{"op":"READY","version":"moltnet.attach.v1","network_id":"local","agent_id":"alpha","actor_uid":"actor_1","actor_uri":"molt://local/agents/alpha","capabilities":{}}""",
            ready);
        Golden.RoundTrips(
            """{"op":"READY","version":"moltnet.attach.v1","network_id":"local","agent_id":"alpha","actor_uid":"actor_1","actor_uri":"molt://local/agents/alpha","agent_token":"magt_v1_x","capabilities":{}}""",
            ready with { AgentToken = "magt_v1_x" });
    }

    [Fact]
    public void Event_frame_carries_cursor_then_event()
    {
        var evt = new Event
        {
            Id = "evt_1", Type = EventTypes.AgentConnected, NetworkId = "local", CreatedAt = Times.Half,
            Agent = new EventAgent { AgentId = "alpha", NetworkId = "local", Fqid = "molt://local/agents/alpha" },
        };
        Golden.RoundTrips(
            """{"op":"EVENT","version":"moltnet.attach.v1","network_id":"local","capabilities":{},"cursor":"evt_1","event":{"id":"evt_1","type":"agent.connected","network_id":"local","agent":{"agent_id":"alpha","network_id":"local","fqid":"molt://local/agents/alpha"},"created_at":"2024-01-02T03:04:05.5Z"}}""",
            new AttachFrame { Op = AttachOps.Event, Version = V1, NetworkId = "local", Cursor = "evt_1", Event = evt });
    }

    [Fact]
    public void Ack_ping_pong()
    {
        Golden.RoundTrips("""{"op":"ACK","capabilities":{},"cursor":"evt_1"}""", new AttachFrame { Op = AttachOps.Ack, Cursor = "evt_1" });
        Golden.RoundTrips("""{"op":"PING","version":"moltnet.attach.v1","capabilities":{}}""", new AttachFrame { Op = AttachOps.Ping, Version = V1 });
        Golden.RoundTrips("""{"op":"PONG","version":"moltnet.attach.v1","capabilities":{}}""", new AttachFrame { Op = AttachOps.Pong, Version = V1 });
    }

    [Fact]
    public void Error()
    {
        Golden.RoundTrips(
            """{"op":"ERROR","version":"moltnet.attach.v1","capabilities":{},"error":"unexpected ACK cursor"}""",
            new AttachFrame { Op = AttachOps.Error, Version = V1, Error = "unexpected ACK cursor" });
    }

    [Fact]
    public void Missing_capabilities_read_as_empty()
    {
        var frame = Golden.Reads<AttachFrame>("""{"op":"PONG"}""");
        Assert.Equal(new AttachCapabilities(), frame.Capabilities);
        Assert.Equal("""{"op":"PONG","capabilities":{}}""", MoltnetJson.Serialize(frame));
    }
}
