namespace Moltnet.Silo.Tests.Configuration;

public sealed class ConfigLoaderValidationTests
{
    [Theory]
    [InlineData("colour: blue", "Moltnet: colour: unknown key")]
    [InlineData("server: { listen: \":1\" }", "Moltnet: server.listen: unknown key")]
    [InlineData("auth: { tokens: [ { value: v, scopes: [observe], scope: admin } ] }", "Moltnet: auth.tokens[0].scope: unknown key")]
    [InlineData("rooms: [ { id: a }, { id: b, owner: x } ]", "Moltnet: rooms[1].owner: unknown key")]
    [InlineData("server: { console: { analytics: { provider: google, measurement_id: G-1, tag: x } } }", "Moltnet: server.console.analytics.tag: unknown key")]
    [InlineData("storage: { sqlite: { path: a.db, journal: wal } }", "Moltnet: storage.sqlite.journal: unknown key")]
    public void Unknown_yaml_keys_are_rejected_with_their_full_path(string yaml, string expectedPrefix) =>
        ConfigKit.HasErrorStarting(ConfigKit.Fail(yaml), expectedPrefix);

    [Fact]
    public void Unknown_json_keys_are_rejected_with_their_full_path()
    {
        var ex = ConfigKit.Fail("""{"auth": {"tokens": [{"value": "v", "scopes": ["observe"], "role": "x"}]}, "extra": true}""", fileName: "moltnet.json");

        ConfigKit.HasErrorStarting(ex, "moltnet.json: auth.tokens[0].role: unknown key");
        ConfigKit.HasErrorStarting(ex, "moltnet.json: extra: unknown key");
    }

    [Fact]
    public void Duplicate_json_keys_are_rejected()
    {
        var ex = ConfigKit.Fail("""{"network": {"id": "a", "id": "b"}}""", fileName: "moltnet.json");
        ConfigKit.HasError(ex, "moltnet.json: network.id: duplicate key");
    }

    [Fact]
    public void Duplicate_yaml_keys_are_rejected() =>
        ConfigKit.HasErrorStarting(ConfigKit.Fail("network:\n  id: a\n  id: b\n"), "Moltnet: invalid YAML at line 3");

    [Fact]
    public void Version_must_be_moltnet_v1_when_present()
    {
        Assert.Equal("moltnet.v1", ConfigKit.Load("version: moltnet.v1").Version);
        ConfigKit.HasError(ConfigKit.Fail("version: moltnet.v2"), "Moltnet: version: must be moltnet.v1 (got \"moltnet.v2\")");
    }

    [Fact]
    public void The_root_must_be_a_map() =>
        ConfigKit.HasError(ConfigKit.Fail("- a\n- b\n"), "Moltnet: must be a map, got a list");

    [Theory]
    [InlineData("server: { human_ingress: maybe }", "Moltnet: server.human_ingress: must be true or false, got \"maybe\"")]
    [InlineData("server: { debug_events: \"true\" }", "Moltnet: server.debug_events: must be true or false, got \"true\"")]
    [InlineData("server: { listen_addr: [a] }", "Moltnet: server.listen_addr: must be a string, got a list")]
    [InlineData("network: text", "Moltnet: network: must be a map, got a scalar")]
    [InlineData("rooms: { id: a }", "Moltnet: rooms: must be a list, got a map")]
    [InlineData("limits: { max_streams: lots }", "Moltnet: limits.max_streams: must be an integer, got \"lots\"")]
    [InlineData("limits: { subscriber_queue: -1 }", "Moltnet: limits.subscriber_queue: must not be negative (got -1)")]
    public void Wrong_value_types_are_reported(string yaml, string expected) =>
        ConfigKit.HasError(ConfigKit.Fail(yaml), expected);

    [Fact]
    public void Json_numbers_are_not_strings_and_strings_are_not_bools()
    {
        var ex = ConfigKit.Fail("""{"network": {"id": 5}, "server": {"debug_events": "yes"}}""", fileName: "moltnet.json");

        ConfigKit.HasError(ex, "moltnet.json: network.id: must be a string, got a number");
        ConfigKit.HasError(ex, "moltnet.json: server.debug_events: must be true or false, got \"yes\"");
    }

    [Theory]
    [InlineData("auth: { mode: x }", "Moltnet: auth.mode: must be one of none, bearer, open (got \"x\")")]
    [InlineData("auth: { agent_registration: anyone }", "Moltnet: auth.agent_registration: must be one of disabled, token, open (got \"anyone\")")]
    [InlineData("auth: { mode: bearer }", "Moltnet: auth.tokens: bearer mode needs at least one token")]
    [InlineData("auth: { tokens: [ { id: t, scopes: [observe] } ] }", "Moltnet: auth.tokens[0]: a secret is required: set one of value, value_file or value_env")]
    [InlineData("auth: { tokens: [ { value: v } ] }", "Moltnet: auth.tokens[0].scopes: at least one scope is required (observe, write, admin, attach, pair, exec)")]
    [InlineData("auth: { tokens: [ { value: v, scopes: [observe, root] } ] }", "Moltnet: auth.tokens[0].scopes[1]: unknown scope \"root\" (allowed: observe, write, admin, attach, pair, exec)")]
    [InlineData("auth: { tokens: [ { id: \"bad id\", value: v, scopes: [write] } ] }", "Moltnet: auth.tokens[0].id: not a valid id (got \"bad id\")")]
    [InlineData("auth: { tokens: [ { value: v, scopes: [write], agents: [\"-x\"] } ] }", "Moltnet: auth.tokens[0].agents[0]: not a valid agent id (got \"-x\")")]
    public void Auth_rules(string yaml, string expected) =>
        ConfigKit.HasError(ConfigKit.Fail(yaml), expected);

    [Fact]
    public void An_agent_bound_to_two_tokens_is_an_error()
    {
        var ex = ConfigKit.Fail("""
            auth:
              tokens:
                - { id: a, value: one, scopes: [write], agents: [alpha, beta] }
                - { id: b, value: two, scopes: [write], agents: [beta] }
            """);
        ConfigKit.HasError(ex, "Moltnet: auth.tokens[1].agents: agent \"beta\" is already bound to auth.tokens[0] (\"a\")");
    }

    [Fact]
    public void Token_ids_and_secrets_are_unique()
    {
        var ex = ConfigKit.Fail("""
            auth:
              tokens:
                - { id: a, value: one, scopes: [write] }
                - { id: a, value: two, scopes: [write] }
                - { id: c, value: one, scopes: [observe] }
            """);
        ConfigKit.HasError(ex, "Moltnet: auth.tokens[1].id: duplicate token id \"a\" (also auth.tokens[0])");
        ConfigKit.HasError(ex, "Moltnet: auth.tokens[2]: same secret as auth.tokens[0]");
    }

    [Theory]
    [InlineData("storage: { kind: redis }", "Moltnet: storage.kind: must be one of memory, json, sqlite, postgres (got \"redis\")")]
    [InlineData("storage: { kind: sqlite }", "Moltnet: storage.sqlite.path: required when storage.kind is sqlite (or set MOLTNET_SQLITE_PATH)")]
    [InlineData("storage: { kind: json }", "Moltnet: storage.json.path: required when storage.kind is json (or set MOLTNET_JSON_PATH)")]
    [InlineData("storage: { kind: postgres }", "Moltnet: storage.postgres.dsn: required when storage.kind is postgres (or set MOLTNET_POSTGRES_DSN)")]
    [InlineData("storage: { event_retention: 1week }", "Moltnet: storage.event_retention: must be a duration such as 168h, 30m or 7d, or 0 to keep every event (got \"1week\")")]
    public void Storage_rules(string yaml, string expected) =>
        ConfigKit.HasError(ConfigKit.Fail(yaml), expected);

    [Fact]
    public void Storage_kinds_with_their_required_settings_load()
    {
        Assert.Equal("a.db", ConfigKit.Load("storage: { kind: sqlite, sqlite: { path: a.db } }").Storage.Sqlite.Path);
        Assert.Equal("s.json", ConfigKit.Load("storage: { kind: json, json: { path: s.json } }").Storage.Json.Path);
        Assert.Equal("memory", ConfigKit.Load("storage: { kind: memory }").Storage.Kind);
    }

    [Theory]
    [InlineData("rooms: [ { name: x } ]", "Moltnet: rooms[0].id: required")]
    [InlineData("rooms: [ { id: \"bad/id\" } ]", "Moltnet: rooms[0].id: not a valid room id (got \"bad/id\")")]
    [InlineData("rooms: [ { id: a }, { id: a } ]", "Moltnet: rooms[1].id: duplicate room id \"a\" (also rooms[0])")]
    [InlineData("rooms: [ { id: a, members: [ok, \"net:\"] } ]", "Moltnet: rooms[0].members[1]: not a valid member id (got \"net:\")")]
    [InlineData("rooms: [ { id: a, visibility: secret } ]", "Moltnet: rooms[0].visibility: must be one of private, public (got \"secret\")")]
    [InlineData("rooms: [ { id: a, write_policy: anyone } ]", "Moltnet: rooms[0].write_policy: must be one of members, registered_agents, operators (got \"anyone\")")]
    public void Room_rules(string yaml, string expected) =>
        ConfigKit.HasError(ConfigKit.Fail(yaml), expected);

    [Fact]
    public void Member_forms_bare_scoped_and_fqid_are_valid()
    {
        var room = ConfigKit.Load("rooms: [ { id: a, members: [alpha, \"net_b:gamma\", \"molt://net_b/agents/delta\"] } ]").Rooms.Single();
        Assert.Equal(3, room.Members.Count);
    }

    [Fact]
    public void A_room_has_at_most_256_members()
    {
        var members = string.Join(", ", Enumerable.Range(0, 257).Select(i => $"m{i}"));
        ConfigKit.HasError(ConfigKit.Fail($"rooms: [ {{ id: a, members: [{members}] }} ]"), "Moltnet: rooms[0].members: at most 256 members (got 257)");
    }

    [Theory]
    [InlineData("pairings: [ { remote_network_id: n, remote_base_url: \"http://x\" } ]", "Moltnet: pairings[0].id: required")]
    [InlineData("pairings: [ { id: p, remote_base_url: \"http://x\" } ]", "Moltnet: pairings[0].remote_network_id: required")]
    [InlineData("pairings: [ { id: p, remote_network_id: n } ]", "Moltnet: pairings[0].remote_base_url: required")]
    [InlineData("pairings: [ { id: p, remote_network_id: n, remote_base_url: \"ws://x\" } ]", "Moltnet: pairings[0].remote_base_url: must be an http or https URL with a host (got \"ws://x\")")]
    [InlineData("pairings: [ { id: p, remote_network_id: n, remote_base_url: \"x.example\" } ]", "Moltnet: pairings[0].remote_base_url: must be an http or https URL with a host (got \"x.example\")")]
    [InlineData("pairings: [ { id: p, remote_network_id: n, remote_base_url: \"http://a\" }, { id: p, remote_network_id: m, remote_base_url: \"http://b\" } ]", "Moltnet: pairings[1].id: duplicate pairing id \"p\" (also pairings[0])")]
    public void Pairing_rules(string yaml, string expected) =>
        ConfigKit.HasError(ConfigKit.Fail(yaml), expected);

    [Theory]
    [InlineData("{ provider: google }", "Moltnet: server.console.analytics: provider and measurement_id must be set together (or both left out)")]
    [InlineData("{ measurement_id: G-1 }", "Moltnet: server.console.analytics: provider and measurement_id must be set together (or both left out)")]
    [InlineData("{ provider: google, measurement_id: UA-1 }", "Moltnet: server.console.analytics.measurement_id: must start with \"G-\" (got \"UA-1\")")]
    [InlineData("{ provider: matomo, measurement_id: G-1 }", "Moltnet: server.console.analytics.provider: must be google (got \"matomo\")")]
    public void Analytics_rules(string analytics, string expected) =>
        ConfigKit.HasError(ConfigKit.Fail($"server: {{ console: {{ analytics: {analytics} }} }}"), expected);

    [Theory]
    [InlineData(":8787")]
    [InlineData("127.0.0.1:8787")]
    [InlineData("[::1]:8787")]
    [InlineData("0.0.0.0:80")]
    [InlineData("localhost:0")]
    public void Valid_listen_addresses_load(string addr) =>
        Assert.Equal(addr, ConfigKit.Load($"server: {{ listen_addr: \"{addr}\" }}").Server.ListenAddr);

    [Theory]
    [InlineData("8787")]
    [InlineData("127.0.0.1")]
    [InlineData(":http")]
    [InlineData(":70000")]
    [InlineData("::1:8787")]
    [InlineData("[::1:8787")]
    [InlineData("[127.0.0.1]:80")]
    [InlineData("bad host:80")]
    public void Invalid_listen_addresses_are_rejected(string addr) =>
        ConfigKit.HasErrorStarting(ConfigKit.Fail($"server: {{ listen_addr: \"{addr}\" }}"), "Moltnet: server.listen_addr: must be host:port");

    [Fact]
    public void Trusted_proxies_must_be_addresses_or_ranges()
    {
        var ex = ConfigKit.Fail("server: { trusted_proxies: [10.0.0.1, 10.1, \"10.0.0.0/33\", proxy.local] }");

        ConfigKit.HasError(ex, "Moltnet: server.trusted_proxies[1]: must be an IP address or CIDR range (got \"10.1\")");
        ConfigKit.HasError(ex, "Moltnet: server.trusted_proxies[2]: must be an IP address or CIDR range (got \"10.0.0.0/33\")");
        ConfigKit.HasError(ex, "Moltnet: server.trusted_proxies[3]: must be an IP address or CIDR range (got \"proxy.local\")");
        Assert.Equal(3, ex.Errors.Count);
    }

    [Fact]
    public void Every_error_is_reported_together_and_joined_in_the_message()
    {
        var ex = ConfigKit.Fail("""
            version: moltnet.v0
            server: { listen_addr: nowhere, bogus: 1 }
            auth: { mode: bearer, agent_registration: maybe }
            storage: { kind: postgres }
            rooms: [ { id: "" } ]
            pairings: [ { id: p } ]
            """);

        string[] expected =
        [
            "Moltnet: version: must be moltnet.v1 (got \"moltnet.v0\")",
            "Moltnet: server.bogus: unknown key",
            "Moltnet: server.listen_addr: must be host:port",
            "Moltnet: auth.agent_registration: must be one of disabled, token, open (got \"maybe\")",
            "Moltnet: auth.tokens: bearer mode needs at least one token",
            "Moltnet: rooms[0].id: required",
            "Moltnet: pairings[0].remote_network_id: required",
            "Moltnet: pairings[0].remote_base_url: required",
            "Moltnet: storage.postgres.dsn: required when storage.kind is postgres",
        ];
        foreach (var e in expected) ConfigKit.HasErrorStarting(ex, e);
        Assert.Equal(expected.Length, ex.Errors.Count);
        Assert.Equal(string.Join('\n', ex.Errors), ex.Message);
    }
}
