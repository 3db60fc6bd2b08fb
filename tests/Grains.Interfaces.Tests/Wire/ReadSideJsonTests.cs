using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>Spec §0 request bodies: keys matched case-insensitively, unknown fields ignored.</summary>
public sealed class ReadSideJsonTests
{
    [Fact]
    public void Send_message_request_keys_in_any_case_and_unknown_fields_ignored()
    {
        var request = Golden.Reads<SendMessageRequest>(
            """{"ID":"msg_1","Origin":{"NETWORK_ID":"net_b","Message_Id":"m"},"TARGET":{"Kind":"thread","ROOM_ID":"general","thread_id":"t1","Parent_Message_ID":"p","color":"red"},"From":{"TYPE":"agent","Id":"alpha","Name":"Alpha","x":1},"PARTS":[{"KIND":"text","Text":"hi","unknown":[1]}],"Mentions":["beta"],"priority":9,"nested":{"a":{"b":null}}}""");
        Assert.Equivalent(
            new SendMessageRequest
            {
                Id = "msg_1",
                Origin = new Origin("net_b", "m"),
                Target = new Target { Kind = TargetKind.Thread, RoomId = "general", ThreadId = "t1", ParentMessageId = "p" },
                From = new Actor { Type = "agent", Id = "alpha", Name = "Alpha" },
                Parts = [new Part { Kind = "text", Text = "hi" }],
                Mentions = ["beta"],
            },
            request,
            strict: true);
    }

    [Fact]
    public void Send_message_request_with_only_required_fields_leaves_the_rest_null()
    {
        var request = Golden.Reads<SendMessageRequest>("""{"target":{"kind":"room","room_id":"general"},"from":{"type":"human","id":"op"},"parts":[{"kind":"text"}]}""");
        Assert.Null(request.Id);
        Assert.Null(request.Origin);
        Assert.Null(request.Mentions);
        Assert.Equal("""{"target":{"kind":"room","room_id":"general"},"from":{"type":"human","id":"op"},"parts":[{"kind":"text"}]}""", MoltnetJson.Serialize(request));
    }

    [Fact]
    public void Absent_keys_keep_the_defaults_of_always_emitted_fields()
    {
        var request = Golden.Reads<SendMessageRequest>("""{"target":{},"from":{"name":"x"},"parts":[{}]}""");
        Assert.Equal("", request.Target!.Kind);
        Assert.Equal(new Actor { Name = "x" }, request.From);
        Assert.Equal("", request.Parts![0].Kind);
        Assert.Equal("""{"target":{"kind":""},"from":{"type":"","id":"","name":"x"},"parts":[{"kind":""}]}""", MoltnetJson.Serialize(request));

        Assert.Equal("", Golden.Reads<AgentSummary>("""{"id":"a"}""").NetworkId);
        Assert.Equal(
            """{"id":"p1","remote_network_id":"","diagnostics":{"checked_at":"0001-01-01T00:00:00Z","remote_protocols":{}}}""",
            MoltnetJson.Serialize(Golden.Reads<Pairing>("""{"id":"p1","diagnostics":{}}""")));
        Assert.Equal(
            """{"op":"","capabilities":{}}""",
            MoltnetJson.Serialize(Golden.Reads<AttachFrame>("""{"capabilities":null}""")));
    }

    [Fact]
    public void Create_room_and_update_members_requests()
    {
        var create = Golden.Reads<CreateRoomRequest>("""{"Id":"general","NAME":"General","members":["alpha"],"Visibility":"public","WRITE_POLICY":"operators","owner":"me"}""");
        Assert.Equivalent(
            new CreateRoomRequest { Id = "general", Name = "General", Members = ["alpha"], Visibility = "public", WritePolicy = "operators" },
            create,
            strict: true);

        var update = Golden.Reads<UpdateMembersRequest>("""{"ADD":["a"],"Remove":["b"],"replace":true}""");
        Assert.Equivalent(new UpdateMembersRequest(["a"], ["b"]), update, strict: true);
    }

    [Fact]
    public void Apply_request()
    {
        var apply = Golden.Reads<ApplyRequest>(
            """{"Network_ID":"local","AGENTS":[{"id":"alpha","Name":"Alpha","Credential_Key":"token:agent-attachments"}],"rooms":[{"id":"general"}],"dry_run":true}""");
        Assert.Equivalent(
            new ApplyRequest
            {
                NetworkId = "local",
                Agents = [new ApplyAgent("alpha", "Alpha", "token:agent-attachments")],
                Rooms = [new CreateRoomRequest { Id = "general" }],
            },
            apply,
            strict: true);
    }

    [Fact]
    public void Server_objects_read_with_unknown_fields_and_offset_times()
    {
        var room = Golden.Reads<Room>(
            """{"ID":"general","Network_Id":"local","FQID":"molt://local/rooms/general","Name":"general","deleted_at":"x","Created_At":"2024-01-02T04:04:05+01:00"}""");
        Assert.Equal(
            """{"id":"general","network_id":"local","fqid":"molt://local/rooms/general","name":"general","visibility":"private","write_policy":"members","created_at":"2024-01-02T03:04:05Z"}""",
            MoltnetJson.Serialize(room));
        Assert.Equal(TimeSpan.Zero, room.CreatedAt.Offset);
    }

    [Fact]
    public void Event_read_ignores_unknown_payloads()
    {
        var evt = Golden.Reads<Event>(
            """{"id":"evt_1","type":"future.thing","network_id":"local","future":{"a":1},"created_at":"2024-01-02T03:04:05Z"}""");
        Assert.Equal(
            """{"id":"evt_1","type":"future.thing","network_id":"local","created_at":"2024-01-02T03:04:05Z"}""",
            MoltnetJson.Serialize(evt));
    }
}
