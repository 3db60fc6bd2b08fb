using System.Text.Json.Nodes;
using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>Spec §1 Actor, Target, Part, Message, Artifact and the §2.5 answer.</summary>
public sealed class MessageJsonTests
{
    private static readonly Target RoomTarget = new() { Kind = TargetKind.Room, RoomId = "general" };

    private static Message Message(IReadOnlyList<string>? mentions = null) => new()
    {
        Id = "msg_1",
        NetworkId = "local",
        Origin = new Origin("local", "msg_1"),
        Target = RoomTarget,
        From = new Actor { Type = "agent", Id = "alpha" },
        Parts = [new Part { Kind = "text", Text = "hi @beta" }],
        Mentions = mentions,
        CreatedAt = Times.Whole,
    };

    [Fact]
    public void Message_always_carries_origin_and_omits_empty_mentions()
    {
        Golden.RoundTrips(
            """{"id":"msg_1","network_id":"local","origin":{"network_id":"local","message_id":"msg_1"},"target":{"kind":"room","room_id":"general"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text","text":"hi @beta"}],"created_at":"2024-01-02T03:04:05Z"}""",
            Message());
    }

    [Fact]
    public void Message_mentions_come_before_created_at()
    {
        Golden.RoundTrips(
            """{"id":"msg_1","network_id":"local","origin":{"network_id":"local","message_id":"msg_1"},"target":{"kind":"room","room_id":"general"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text","text":"hi @beta"}],"mentions":["molt://local/agents/beta"],"created_at":"2024-01-02T03:04:05.1234567Z"}""",
            Message(["molt://local/agents/beta"]) with { CreatedAt = Times.Ticks });
    }

    [Fact]
    public void Origin_fields_are_always_emitted()
    {
        Golden.RoundTrips("""{"network_id":"","message_id":""}""", new Origin("", ""));
    }

    [Fact]
    public void Actor_type_and_id_always_then_optional_fields_in_order()
    {
        Golden.RoundTrips("""{"type":"","id":""}""", new Actor());
        Golden.RoundTrips(
            """{"type":"agent","id":"gamma","name":"Gamma","network_id":"net_b","fqid":"molt://net_b/agents/gamma"}""",
            new Actor { Type = "agent", Id = "gamma", Name = "Gamma", NetworkId = "net_b", Fqid = "molt://net_b/agents/gamma" });
    }

    [Fact]
    public void Target_kinds_emit_only_their_fields()
    {
        Golden.RoundTrips("""{"kind":"room","room_id":"general"}""", RoomTarget);
        Golden.RoundTrips(
            """{"kind":"thread","room_id":"general","thread_id":"t1","parent_message_id":"msg_0"}""",
            new Target { Kind = TargetKind.Thread, RoomId = "general", ThreadId = "t1", ParentMessageId = "msg_0" });
        Golden.RoundTrips(
            """{"kind":"dm","dm_id":"dm1","participant_ids":["alpha","net_b:beta"]}""",
            new Target { Kind = TargetKind.Dm, DmId = "dm1", ParticipantIds = ["alpha", "net_b:beta"] });
    }

    [Fact]
    public void Part_fields_in_order_and_data_object_passes_through()
    {
        const string Json =
            """{"kind":"data","text":"t","media_type":"application/json","url":"https://example.test/x","filename":"x.json","data":{"z":1,"a":{"nested":[1,2.5,"s",true,null]},"e":{}}}""";
        var part = new Part
        {
            Kind = "data", Text = "t", MediaType = "application/json", Url = "https://example.test/x", Filename = "x.json",
            Data = JsonNode.Parse("""{"z":1,"a":{"nested":[1,2.5,"s",true,null]},"e":{}}""")!.AsObject(),
        };
        Golden.Writes(Json, part);

        var back = Golden.Reads<Part>(Json);
        Assert.True(JsonNode.DeepEquals(part.Data, back.Data));
        Assert.Equal(Json, MoltnetJson.Serialize(back));
        Assert.Equal(part with { Data = null }, back with { Data = null });
    }

    [Fact]
    public void Part_kind_alone()
    {
        Golden.RoundTrips("""{"kind":"text"}""", new Part { Kind = "text" });
    }

    [Fact]
    public void Artifact_emits_part_index_zero_and_optional_fields_in_order()
    {
        var artifact = new Artifact
        {
            Id = "art_msg_1_0", NetworkId = "local", Fqid = "molt://local/artifacts/art_msg_1_0", MessageId = "msg_1",
            Target = RoomTarget, Kind = "image", MediaType = "image/png", Filename = "a.png",
            Url = "https://example.test/a.png", CreatedAt = Times.Half,
        };
        Golden.RoundTrips(
            """{"id":"art_msg_1_0","network_id":"local","fqid":"molt://local/artifacts/art_msg_1_0","message_id":"msg_1","target":{"kind":"room","room_id":"general"},"part_index":0,"kind":"image","media_type":"image/png","filename":"a.png","url":"https://example.test/a.png","created_at":"2024-01-02T03:04:05.5Z"}""",
            artifact);
        Golden.RoundTrips(
            """{"id":"art_msg_1_2","network_id":"local","fqid":"molt://local/artifacts/art_msg_1_2","message_id":"msg_1","target":{"kind":"room","room_id":"general"},"part_index":2,"kind":"file","created_at":"2024-01-02T03:04:05.5Z"}""",
            artifact with
            {
                Id = "art_msg_1_2", Fqid = "molt://local/artifacts/art_msg_1_2", PartIndex = 2, Kind = "file",
                MediaType = null, Filename = null, Url = null,
            });
    }

    [Fact]
    public void Message_accepted_emits_all_five_fields_even_when_false()
    {
        Golden.RoundTrips(
            """{"message_id":"msg_1","event_id":"evt_1","accepted":true,"thread_created":false,"dm_created":false}""",
            new MessageAccepted("msg_1", "evt_1", true, false, false));
        Golden.RoundTrips(
            """{"message_id":"msg_1","event_id":"evt_1","accepted":true,"thread_created":true,"dm_created":true}""",
            new MessageAccepted("msg_1", "evt_1", true, true, true));
    }

    [Fact]
    public void Message_list_wraps_messages_and_page()
    {
        Golden.RoundTrips(
            """{"messages":[],"page":{"has_more":false}}""",
            new MessageList([], new PageInfo(false)));
    }
}
