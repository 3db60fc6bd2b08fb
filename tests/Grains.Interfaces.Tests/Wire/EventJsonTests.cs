using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>Spec §3 event envelopes: <c>{id, type, network_id, agent?, message?, room?, thread?, dm?, pairing?, replay_gap?, created_at}</c>.</summary>
public sealed class EventJsonTests
{
    private static readonly Target RoomTarget = new() { Kind = TargetKind.Room, RoomId = "general" };

    private static Event Envelope(string type) => new() { Id = "evt_1", Type = type, NetworkId = "local", CreatedAt = Times.Whole };

    private static EventAgent Agent(string id) => new() { AgentId = id, NetworkId = "local", Fqid = $"molt://local/agents/{id}" };

    [Fact]
    public void Message_created()
    {
        var message = new Message
        {
            Id = "msg_1", NetworkId = "local", Origin = new Origin("local", "msg_1"), Target = RoomTarget,
            From = new Actor { Type = "human", Id = "operator" }, Parts = [new Part { Kind = "text", Text = "hello" }],
            CreatedAt = Times.Half,
        };
        Golden.RoundTrips(
            """{"id":"evt_1","type":"message.created","network_id":"local","message":{"id":"msg_1","network_id":"local","origin":{"network_id":"local","message_id":"msg_1"},"target":{"kind":"room","room_id":"general"},"from":{"type":"human","id":"operator"},"parts":[{"kind":"text","text":"hello"}],"created_at":"2024-01-02T03:04:05.5Z"},"created_at":"2024-01-02T03:04:05Z"}""",
            Envelope(EventTypes.MessageCreated) with { Message = message });
    }

    [Fact]
    public void Room_created()
    {
        var room = new Room { Id = "general", NetworkId = "local", Fqid = "molt://local/rooms/general", Name = "General", Members = ["alpha"], CreatedAt = Times.Whole };
        Golden.RoundTrips(
            """{"id":"evt_1","type":"room.created","network_id":"local","room":{"id":"general","network_id":"local","fqid":"molt://local/rooms/general","name":"General","members":["alpha"],"visibility":"private","write_policy":"members","created_at":"2024-01-02T03:04:05Z"},"created_at":"2024-01-02T03:04:05Z"}""",
            Envelope(EventTypes.RoomCreated) with { Room = room });
    }

    [Fact]
    public void Thread_and_dm_created()
    {
        Golden.RoundTrips(
            """{"id":"evt_1","type":"thread.created","network_id":"local","thread":{"id":"t1","network_id":"local","fqid":"molt://local/threads/t1","room_id":"general","message_count":1,"last_message_at":"2024-01-02T03:04:05Z"},"created_at":"2024-01-02T03:04:05Z"}""",
            Envelope(EventTypes.ThreadCreated) with
            {
                Thread = new ThreadInfo { Id = "t1", NetworkId = "local", Fqid = "molt://local/threads/t1", RoomId = "general", MessageCount = 1, LastMessageAt = Times.Whole },
            });
        Golden.RoundTrips(
            """{"id":"evt_1","type":"dm.created","network_id":"local","dm":{"id":"dm1","network_id":"local","fqid":"molt://local/dms/dm1","participant_ids":["alpha","beta"],"message_count":1,"last_message_at":"2024-01-02T03:04:05Z"},"created_at":"2024-01-02T03:04:05Z"}""",
            Envelope(EventTypes.DmCreated) with
            {
                Dm = new DirectConversation { Id = "dm1", NetworkId = "local", Fqid = "molt://local/dms/dm1", ParticipantIds = ["alpha", "beta"], MessageCount = 1, LastMessageAt = Times.Whole },
            });
    }

    [Fact]
    public void Agent_connected_with_and_without_debug_reason()
    {
        Golden.RoundTrips(
            """{"id":"evt_1","type":"agent.connected","network_id":"local","agent":{"agent_id":"alpha","network_id":"local","fqid":"molt://local/agents/alpha","name":"Alpha"},"created_at":"2024-01-02T03:04:05Z"}""",
            Envelope(EventTypes.AgentConnected) with { Agent = Agent("alpha") with { Name = "Alpha" } });
        Golden.RoundTrips(
            """{"id":"evt_1","type":"agent.connected","network_id":"local","agent":{"agent_id":"alpha","network_id":"local","fqid":"molt://local/agents/alpha","reason":"attachment_ready"},"created_at":"2024-01-02T03:04:05Z"}""",
            Envelope(EventTypes.AgentConnected) with { Agent = Agent("alpha") with { Reason = "attachment_ready" } });
    }

    [Fact]
    public void Agent_disconnected_reason_then_error()
    {
        Golden.RoundTrips(
            """{"id":"evt_1","type":"agent.disconnected","network_id":"local","agent":{"agent_id":"alpha","network_id":"local","fqid":"molt://local/agents/alpha","name":"Alpha","reason":"read_error","error":"boom"},"created_at":"2024-01-02T03:04:05Z"}""",
            Envelope(EventTypes.AgentDisconnected) with { Agent = Agent("alpha") with { Name = "Alpha", Reason = "read_error", Error = "boom" } });
    }

    [Fact]
    public void Agent_wake_failed_orders_message_id_reason_target_error()
    {
        Golden.RoundTrips(
            """{"id":"evt_1","type":"agent.wake.failed","network_id":"local","agent":{"agent_id":"beta","network_id":"local","fqid":"molt://local/agents/beta","name":"Beta","message_id":"msg_1","reason":"mention","target":{"kind":"room","room_id":"general"},"error":"attachment read timeout"},"created_at":"2024-01-02T03:04:05Z"}""",
            Envelope(EventTypes.AgentWakeFailed) with
            {
                Agent = Agent("beta") with { Name = "Beta", MessageId = "msg_1", Reason = "mention", Target = RoomTarget, Error = "attachment read timeout" },
            });
    }

    [Fact]
    public void Agent_wake_delivered_has_no_error()
    {
        Golden.RoundTrips(
            """{"id":"evt_1","type":"agent.wake.delivered","network_id":"local","agent":{"agent_id":"beta","network_id":"local","fqid":"molt://local/agents/beta","message_id":"msg_1","reason":"dm","target":{"kind":"dm","dm_id":"dm1","participant_ids":["alpha","beta"]}},"created_at":"2024-01-02T03:04:05Z"}""",
            Envelope(EventTypes.AgentWakeDelivered) with
            {
                Agent = Agent("beta") with
                {
                    MessageId = "msg_1", Reason = "dm",
                    Target = new Target { Kind = TargetKind.Dm, DmId = "dm1", ParticipantIds = ["alpha", "beta"] },
                },
            });
    }

    [Fact]
    public void Pairing_updated()
    {
        Golden.RoundTrips(
            """{"id":"evt_1","type":"pairing.updated","network_id":"local","pairing":{"id":"p1","remote_network_id":"net_b","status":"degraded"},"created_at":"2024-01-02T03:04:05Z"}""",
            Envelope(EventTypes.PairingUpdated) with { Pairing = new Pairing { Id = "p1", RemoteNetworkId = "net_b", Status = PairingStatus.Degraded } });
    }

    [Fact]
    public void Stream_replay_gap()
    {
        var id = Ids.GapEventId("evt_old");
        Golden.RoundTrips(
            $$"""{"id":"{{id}}","type":"stream.replay_gap","network_id":"local","replay_gap":{"requested_event_id":"evt_old","oldest_event_id":"evt_a","newest_event_id":"evt_b"},"created_at":"2024-01-02T03:04:05.1234567Z"}""",
            Envelope(EventTypes.StreamReplayGap) with
            {
                Id = id, ReplayGap = new ReplayGap("evt_old", "evt_a", "evt_b"), CreatedAt = Times.Ticks,
            });
        Golden.RoundTrips("""{"requested_event_id":"evt_old"}""", new ReplayGap("evt_old", null, null));
    }
}
