using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>Spec §1 Room, Thread and DirectConversation.</summary>
public sealed class ConversationJsonTests
{
    private static Room Room(IReadOnlyList<string>? members = null, RoomAccess? access = null) => new()
    {
        Id = "general",
        NetworkId = "local",
        Fqid = "molt://local/rooms/general",
        Name = "general",
        Members = members,
        Access = access,
        CreatedAt = Times.Whole,
    };

    [Fact]
    public void Room_without_members_or_access_keeps_policies_and_created_at()
    {
        Golden.RoundTrips(
            """{"id":"general","network_id":"local","fqid":"molt://local/rooms/general","name":"general","visibility":"private","write_policy":"members","created_at":"2024-01-02T03:04:05Z"}""",
            Room());
    }

    [Fact]
    public void Room_members_sit_between_name_and_visibility_and_access_before_created_at()
    {
        Golden.RoundTrips(
            """{"id":"general","network_id":"local","fqid":"molt://local/rooms/general","name":"general","members":["alpha","net_b:gamma"],"visibility":"public","write_policy":"registered_agents","access":{"can_read":true,"can_write":false,"reason":"public-read/registered_agents-write"},"created_at":"2024-01-02T03:04:05.5Z"}""",
            Room(["alpha", "net_b:gamma"], new RoomAccess(true, false, "public-read/registered_agents-write"))
                with { Visibility = RoomVisibility.Public, WritePolicy = RoomWritePolicy.RegisteredAgents, CreatedAt = Times.Half });
    }

    [Fact]
    public void Room_access_booleans_are_always_emitted_and_reason_is_optional()
    {
        Golden.RoundTrips("""{"can_read":false,"can_write":false}""", new RoomAccess(false, false));
    }

    [Fact]
    public void Room_zero_created_at_is_still_emitted()
    {
        Golden.Writes(
            """{"id":"general","network_id":"local","fqid":"molt://local/rooms/general","name":"general","visibility":"private","write_policy":"members","created_at":"0001-01-01T00:00:00Z"}""",
            Room() with { CreatedAt = Times.Zero });
    }

    [Fact]
    public void Thread_with_zero_count_keeps_count_and_time_and_omits_parent()
    {
        Golden.RoundTrips(
            """{"id":"t1","network_id":"local","fqid":"molt://local/threads/t1","room_id":"general","message_count":0,"last_message_at":"0001-01-01T00:00:00Z"}""",
            new ThreadInfo { Id = "t1", NetworkId = "local", Fqid = "molt://local/threads/t1", RoomId = "general" });
    }

    [Fact]
    public void Thread_with_parent()
    {
        Golden.RoundTrips(
            """{"id":"t1","network_id":"local","fqid":"molt://local/threads/t1","room_id":"general","parent_message_id":"msg_1","message_count":3,"last_message_at":"2024-01-02T03:04:05.1234567Z"}""",
            new ThreadInfo
            {
                Id = "t1", NetworkId = "local", Fqid = "molt://local/threads/t1", RoomId = "general",
                ParentMessageId = "msg_1", MessageCount = 3, LastMessageAt = Times.Ticks,
            });
    }

    [Fact]
    public void Dm_with_participants()
    {
        Golden.RoundTrips(
            """{"id":"dm1","network_id":"local","fqid":"molt://local/dms/dm1","participant_ids":["alpha","net_b:beta"],"message_count":2,"last_message_at":"2024-01-02T03:04:05Z"}""",
            new DirectConversation
            {
                Id = "dm1", NetworkId = "local", Fqid = "molt://local/dms/dm1",
                ParticipantIds = ["alpha", "net_b:beta"], MessageCount = 2, LastMessageAt = Times.Whole,
            });
    }

    [Fact]
    public void Dm_without_participants_keeps_count_and_time()
    {
        Golden.RoundTrips(
            """{"id":"dm1","network_id":"local","fqid":"molt://local/dms/dm1","message_count":0,"last_message_at":"0001-01-01T00:00:00Z"}""",
            new DirectConversation { Id = "dm1", NetworkId = "local", Fqid = "molt://local/dms/dm1" });
    }
}
