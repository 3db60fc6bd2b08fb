using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>PageInfo, RemoveResult, the error envelope, list wrappers and the apply answer.</summary>
public sealed class EnvelopeJsonTests
{
    [Fact]
    public void Page_info_has_more_false_alone()
    {
        Golden.RoundTrips("""{"has_more":false}""", new PageInfo(false));
    }

    [Fact]
    public void Page_info_cursors_in_order()
    {
        Golden.RoundTrips(
            """{"has_more":true,"next_before":"a","next_after":"z"}""",
            new PageInfo(true, "a", "z"));
        Golden.RoundTrips("""{"has_more":true,"next_before":"a"}""", new PageInfo(true, "a"));
    }

    [Fact]
    public void Remove_result()
    {
        Golden.RoundTrips("""{"removed":true,"kind":"room","id":"general","mode":"soft"}""", new RemoveResult(true, "room", "general"));
        Golden.RoundTrips("""{"removed":true,"kind":"agent","id":"alpha","mode":"soft"}""", new RemoveResult(true, "agent", "alpha"));
    }

    [Fact]
    public void Error_body_emits_all_three_fields()
    {
        Golden.RoundTrips(
            """{"error":"internal server error","code":"internal_error","request_id":"req_0123456789abcdef"}""",
            new ErrorBody("internal server error", "internal_error", "req_0123456789abcdef"));
        Golden.RoundTrips("""{"error":"","code":"","request_id":""}""", new ErrorBody("", "", ""));
    }

    [Fact]
    public void Escaped_characters_round_trip_by_value()
    {
        // The default encoder writes \u0022 where Go writes \" (and escapes non-ASCII); the JSON value is the same.
        const string Message = "unknown room \"x\" <&> \\ \n é 😀 \u2028";
        var json = MoltnetJson.Serialize(new ErrorBody(Message, "not_found", "r"));
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(Message, doc.RootElement.GetProperty("error").GetString());
        Assert.Equal(new ErrorBody(Message, "not_found", "r"), Golden.Reads<ErrorBody>(json));
        const string GoStyle = """{"error":"unknown room \"x\" \u003c\u0026\u003e \\ \n é 😀 \u2028","code":"not_found","request_id":"r"}""";
        Assert.Equal(Message, Golden.Reads<ErrorBody>(GoStyle).Error);
    }

    [Fact]
    public void Empty_lists_are_arrays_not_omitted()
    {
        Golden.RoundTrips("""{"rooms":[],"page":{"has_more":false}}""", new RoomList([], new PageInfo(false)));
        Golden.RoundTrips("""{"threads":[],"page":{"has_more":false}}""", new ThreadList([], new PageInfo(false)));
        Golden.RoundTrips("""{"dms":[],"page":{"has_more":false}}""", new DmList([], new PageInfo(false)));
        Golden.RoundTrips("""{"artifacts":[],"page":{"has_more":false}}""", new ArtifactList([], new PageInfo(false)));
    }

    [Fact]
    public void Apply_result_applied_always_and_lists_only_when_set()
    {
        Golden.RoundTrips("""{"applied":true}""", new ApplyResult(true));
        var agent = new AgentRegistration
        {
            NetworkId = "local", AgentId = "alpha", ActorUid = "actor_1", ActorUri = "molt://local/agents/alpha",
            CredentialKey = "token:agent-attachments", CreatedAt = Times.Whole, UpdatedAt = Times.Whole,
        };
        var room = new Room { Id = "general", NetworkId = "local", Fqid = "molt://local/rooms/general", Name = "general", CreatedAt = Times.Whole };
        Golden.Writes(
            """{"applied":true,"agents":[{"network_id":"local","agent_id":"alpha","actor_uid":"actor_1","actor_uri":"molt://local/agents/alpha","created_at":"2024-01-02T03:04:05Z","updated_at":"2024-01-02T03:04:05Z"}],"rooms":[{"id":"general","network_id":"local","fqid":"molt://local/rooms/general","name":"general","visibility":"private","write_policy":"members","created_at":"2024-01-02T03:04:05Z"}]}""",
            new ApplyResult(true, [agent], [room]));
    }

    [Fact]
    public void Status_body()
    {
        Golden.RoundTrips("""{"status":"ok"}""", new StatusBody("ok"));
    }
}
