using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>Spec §1 AgentSummary and AgentRegistration.</summary>
public sealed class AgentJsonTests
{
    private static AgentRegistration Registration() => new()
    {
        NetworkId = "local",
        AgentId = "alpha",
        ActorUid = "actor_00000000-0000-4000-8000-000000000000",
        ActorUri = "molt://local/agents/alpha",
        CreatedAt = Times.Whole,
        UpdatedAt = Times.Ticks,
    };

    [Fact]
    public void Summary_emits_network_id_and_connected_false_always()
    {
        Golden.RoundTrips(
            """{"id":"net_b:gamma","network_id":"net_b","connected":false}""",
            new AgentSummary { Id = "net_b:gamma", NetworkId = "net_b" });
        Golden.Writes("""{"id":"x","network_id":"","connected":false}""", new AgentSummary { Id = "x" });
    }

    [Fact]
    public void Summary_with_every_field_in_order()
    {
        Golden.RoundTrips(
            """{"id":"alpha","name":"Alpha","actor_uid":"actor_1","fqid":"molt://local/agents/alpha","network_id":"local","rooms":["general","ops"],"connected":true}""",
            new AgentSummary
            {
                Id = "alpha", Name = "Alpha", ActorUid = "actor_1", Fqid = "molt://local/agents/alpha",
                NetworkId = "local", Rooms = ["general", "ops"], Connected = true,
            });
    }

    [Fact]
    public void Registration_never_emits_the_credential_key_and_omits_a_missing_token()
    {
        Golden.RoundTrips(
            """{"network_id":"local","agent_id":"alpha","actor_uid":"actor_00000000-0000-4000-8000-000000000000","actor_uri":"molt://local/agents/alpha","created_at":"2024-01-02T03:04:05Z","updated_at":"2024-01-02T03:04:05.1234567Z"}""",
            Registration());
        Golden.Writes(
            """{"network_id":"local","agent_id":"alpha","actor_uid":"actor_00000000-0000-4000-8000-000000000000","actor_uri":"molt://local/agents/alpha","created_at":"2024-01-02T03:04:05Z","updated_at":"2024-01-02T03:04:05.1234567Z"}""",
            Registration() with { CredentialKey = "token:secret" });
    }

    [Fact]
    public void Registration_emits_name_and_token_when_set()
    {
        Golden.RoundTrips(
            """{"network_id":"local","agent_id":"alpha","actor_uid":"actor_00000000-0000-4000-8000-000000000000","actor_uri":"molt://local/agents/alpha","display_name":"Alpha","agent_token":"magt_v1_abc","created_at":"2024-01-02T03:04:05Z","updated_at":"2024-01-02T03:04:05.1234567Z"}""",
            Registration() with { DisplayName = "Alpha", AgentToken = "magt_v1_abc" });
    }

    [Fact]
    public void Registration_ignores_a_credential_key_on_read()
    {
        var read = Golden.Reads<AgentRegistration>(
            """{"network_id":"local","agent_id":"alpha","actor_uid":"a","actor_uri":"u","credential_key":"token:x","created_at":"2024-01-02T03:04:05Z","updated_at":"2024-01-02T03:04:05Z"}""");
        Assert.Equal("", read.CredentialKey);
    }

    [Fact]
    public void Agent_list_wraps_agents_and_page()
    {
        Golden.RoundTrips(
            """{"agents":[{"id":"alpha","network_id":"local","connected":false}],"page":{"has_more":true,"next_after":"alpha"}}""",
            new AgentList([new AgentSummary { Id = "alpha", NetworkId = "local" }], new PageInfo(true, NextAfter: "alpha")));
    }

    [Fact]
    public void Register_request_omits_empty_fields()
    {
        Golden.RoundTrips("{}", new RegisterAgentRequest());
        Golden.RoundTrips("""{"requested_agent_id":"alpha","name":"Alpha"}""", new RegisterAgentRequest("alpha", "Alpha"));
    }
}
