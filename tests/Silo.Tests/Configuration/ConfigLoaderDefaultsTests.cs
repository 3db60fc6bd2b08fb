using Moltnet.Configuration;
using Moltnet.Silo.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.Silo.Tests.Configuration;

public sealed class ConfigLoaderDefaultsTests
{
    [Fact]
    public void No_file_gives_the_defaults()
    {
        var c = ConfigKit.Load(null);

        Assert.Null(c.SourcePath);
        AssertDefaults(c);
    }

    private static void AssertDefaults(MoltnetConfig c)
    {
        Assert.Equal("moltnet.v1", c.Version);
        Assert.Equal("local", c.Network.Id);
        Assert.Equal("Local Moltnet", c.Network.Name);
        Assert.Equal(":8787", c.Server.ListenAddr);
        Assert.True(c.Server.HumanIngress);
        Assert.True(c.Server.DirectMessages);
        Assert.False(c.Server.DebugEvents);
        Assert.False(c.Server.TrustForwardedProto);
        Assert.False(c.Server.ReapplyDeclaredMembers);
        Assert.Empty(c.Server.AllowedOrigins);
        Assert.Empty(c.Server.TrustedProxies);
        Assert.Null(c.Server.Console.Analytics);
        Assert.Equal(AuthModes.None, c.Auth.Mode);
        Assert.False(c.Auth.PublicRead);
        Assert.Equal(RegistrationModes.Disabled, c.Auth.AgentRegistration);
        Assert.Empty(c.Auth.Tokens);
        Assert.Equal(StorageKinds.Sqlite, c.Storage.Kind);
        Assert.Equal(".moltnet/moltnet.db", c.Storage.Sqlite.Path);
        Assert.Equal(TimeSpan.FromDays(7), c.Storage.EventRetention);
        Assert.Empty(c.Rooms);
        Assert.Empty(c.Pairings);
        Assert.Equal(new LimitsSection(), c.Limits);
    }

    [Fact]
    public void Empty_file_gives_the_defaults_and_records_its_path()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("Moltnet", "");

        var c = ConfigLoader.Load(null, dir.Path, ConfigLoader.EnvFrom(ConfigKit.NoEnv));

        Assert.Equal(path, c.SourcePath);
        AssertDefaults(c);
    }

    [Theory]
    [InlineData("Moltnet")]
    [InlineData("moltnet.yaml")]
    [InlineData("moltnet.yml")]
    [InlineData("moltnet.json")]
    public void Each_file_name_is_discovered(string name)
    {
        using var dir = new TempDirectory();
        var text = name.EndsWith(".json", StringComparison.Ordinal) ? """{"network":{"id":"found"}}""" : "network: { id: found }";
        var path = dir.Write(name, text);

        var c = ConfigLoader.Load(null, dir.Path, ConfigLoader.EnvFrom(ConfigKit.NoEnv));

        Assert.Equal("found", c.Network.Id);
        Assert.Equal(path, c.SourcePath);
    }

    [Fact]
    public void Discovery_takes_the_first_name_in_order()
    {
        using var dir = new TempDirectory();
        dir.Write("moltnet.json", """{"network":{"id":"json"}}""");
        dir.Write("moltnet.yml", "network: { id: yml }");
        Assert.Equal("yml", ConfigLoader.Load(null, dir.Path, ConfigLoader.EnvFrom(ConfigKit.NoEnv)).Network.Id);

        dir.Write("moltnet.yaml", "network: { id: yaml }");
        Assert.Equal("yaml", ConfigLoader.Load(null, dir.Path, ConfigLoader.EnvFrom(ConfigKit.NoEnv)).Network.Id);

        dir.Write("Moltnet", "network: { id: plain }");
        Assert.Equal("plain", ConfigLoader.Load(null, dir.Path, ConfigLoader.EnvFrom(ConfigKit.NoEnv)).Network.Id);
    }

    [Fact]
    public void MOLTNET_CONFIG_wins_over_discovery_and_an_explicit_path_wins_over_both()
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", "network: { id: discovered }");
        dir.Write("conf/env.yaml", "network: { id: from-env }");
        dir.Write("explicit.json", """{"network":{"id":"explicit"}}""");
        var env = ConfigLoader.EnvFrom(new Dictionary<string, string?> { ["MOLTNET_CONFIG"] = "conf/env.yaml" });

        Assert.Equal("from-env", ConfigLoader.Load(null, dir.Path, env).Network.Id);
        Assert.Equal("explicit", ConfigLoader.Load("explicit.json", dir.Path, env).Network.Id);
    }

    [Fact]
    public void A_missing_explicit_or_MOLTNET_CONFIG_file_is_an_error()
    {
        using var dir = new TempDirectory();
        var env = ConfigLoader.EnvFrom(new Dictionary<string, string?> { ["MOLTNET_CONFIG"] = "nope.yaml" });

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, dir.Path, env));
        Assert.Equal(["nope.yaml: config file not found"], ex.Errors);
        Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(dir.Combine("missing"), env));
    }

    [Fact]
    public void A_json_extension_is_read_as_json_and_anything_else_as_yaml()
    {
        // YAML flow syntax is also valid JSON, so use JSON-only syntax in the YAML-named file to prove the choice.
        var ex = ConfigKit.Fail("""{"network": {"id": "x",}}""", fileName: "moltnet.json");
        Assert.StartsWith("moltnet.json: invalid JSON", ex.Errors.Single(), StringComparison.Ordinal);

        Assert.Equal("y", ConfigKit.Load("network:\n  id: y\n", fileName: "Moltnet").Network.Id);
    }

    [Fact]
    public void Malformed_yaml_is_reported_with_its_position()
    {
        var ex = ConfigKit.Fail("network:\n  id: [unclosed\n");
        Assert.StartsWith("Moltnet: invalid YAML at line", ex.Errors.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_file_maps_every_key()
    {
        var c = ConfigKit.Load("""
            version: moltnet.v1
            network: { id: lab, name: "The Lab" }
            server:
              listen_addr: "127.0.0.1:9000"
              human_ingress: false
              direct_messages: false
              debug_events: true
              trust_forwarded_proto: true
              allowed_origins: [https://console.example]
              trusted_proxies: [10.0.0.1, 10.1.0.0/16, "fd00::/8"]
              data_path: ""
              console: { analytics: { provider: google, measurement_id: G-ABC123 } }
              reapply_declared_members: true
            auth:
              mode: bearer
              public_read: true
              agent_registration: token
              tokens:
                - { id: ops, value: s3cret, scopes: [observe, write, admin], agents: [alpha] }
            storage:
              kind: memory
              event_retention: 36h
            rooms:
              - { id: research, name: Research, members: [alpha, "lab2:beta"], visibility: public, write_policy: operators }
              - { id: general }
            pairings:
              - { id: lab2, remote_network_id: lab2, remote_network_name: Lab Two, remote_base_url: "https://lab2.example", status: connected }
            limits: { max_streams: 10, max_streams_per_identity: 2, subscriber_queue: 64, register_per_minute: 0, attach_per_minute: 5, send_per_second: 3 }
            """);

        Assert.Equal(new NetworkSection { Id = "lab", Name = "The Lab" }, c.Network);
        Assert.Equal("127.0.0.1:9000", c.Server.ListenAddr);
        Assert.False(c.Server.HumanIngress);
        Assert.False(c.Server.DirectMessages);
        Assert.True(c.Server.DebugEvents);
        Assert.True(c.Server.TrustForwardedProto);
        Assert.True(c.Server.ReapplyDeclaredMembers);
        Assert.Equal(["https://console.example"], c.Server.AllowedOrigins);
        Assert.Equal(["10.0.0.1", "10.1.0.0/16", "fd00::/8"], c.Server.TrustedProxies);
        Assert.Equal(new AnalyticsSection("google", "G-ABC123"), c.Server.Console.Analytics);
        Assert.Equal(AuthModes.Bearer, c.Auth.Mode);
        Assert.True(c.Auth.PublicRead);
        Assert.Equal(RegistrationModes.Token, c.Auth.AgentRegistration);
        var token = Assert.Single(c.Auth.Tokens);
        Assert.Equal(("ops", "s3cret"), (token.Id, token.Value));
        Assert.Equal(["observe", "write", "admin"], token.Scopes);
        Assert.Equal(["alpha"], token.Agents);
        Assert.Equal(StorageKinds.Memory, c.Storage.Kind);
        Assert.Equal(TimeSpan.FromHours(36), c.Storage.EventRetention);
        Assert.Equal(2, c.Rooms.Count);
        Assert.Equal(("research", "Research", "public", "operators"), (c.Rooms[0].Id, c.Rooms[0].Name, c.Rooms[0].Visibility, c.Rooms[0].WritePolicy));
        Assert.Equal(["alpha", "lab2:beta"], c.Rooms[0].Members);
        Assert.Equal(("general", "general", "private", "members"), (c.Rooms[1].Id, c.Rooms[1].Name, c.Rooms[1].Visibility, c.Rooms[1].WritePolicy));
        var pairing = Assert.Single(c.Pairings);
        Assert.Equal(("lab2", "lab2", "Lab Two", "https://lab2.example", "connected"),
            (pairing.Id, pairing.RemoteNetworkId, pairing.RemoteNetworkName, pairing.RemoteBaseUrl, pairing.Status));
        Assert.Equal(new LimitsSection { MaxStreams = 10, MaxStreamsPerIdentity = 2, SubscriberQueue = 64, RegisterPerMinute = 0, AttachPerMinute = 5, SendPerSecond = 3 }, c.Limits);
    }

    [Fact]
    public void The_same_config_reads_identically_from_json()
    {
        var c = ConfigKit.Load("""
            {"version": "moltnet.v1", "network": {"id": "lab"}, "server": {"listen_addr": "[::1]:8787", "debug_events": true},
             "auth": {"mode": "open", "tokens": [{"value": "abc", "scopes": ["pair"]}]},
             "storage": {"kind": "json", "json": {"path": "data/state.json"}, "event_retention": "0"},
             "rooms": [{"id": "r1", "members": ["a"]}], "limits": {"send_per_second": 7}}
            """, fileName: "moltnet.json");

        Assert.Equal("[::1]:8787", c.Server.ListenAddr);
        Assert.True(c.Server.DebugEvents);
        Assert.Equal(StorageKinds.Json, c.Storage.Kind);
        Assert.Equal("data/state.json", c.Storage.Json.Path);
        Assert.Equal(TimeSpan.Zero, c.Storage.EventRetention);
        Assert.Equal(["a"], c.Rooms.Single().Members);
        Assert.Equal(7, c.Limits.SendPerSecond);
    }

    [Fact]
    public void Open_mode_forces_public_read_and_open_registration()
    {
        var c = ConfigKit.Load("auth: { mode: open, public_read: false, agent_registration: disabled }");

        Assert.True(c.Auth.PublicRead);
        Assert.Equal(RegistrationModes.Open, c.Auth.AgentRegistration);
    }

    [Fact]
    public void A_token_without_id_gets_the_hash_derived_default()
    {
        var c = ConfigKit.Load("auth: { mode: bearer, tokens: [ { value: secret-value, scopes: [observe] } ] }");

        // tok_ + hex of the first 8 bytes of SHA-256("secret-value").
        var expected = "tok_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("secret-value"u8.ToArray())[..8]);
        Assert.Equal(expected, c.Auth.Tokens.Single().Id);
        Assert.Equal(expected, ConfigLoader.DefaultTokenId("secret-value"));
    }

    [Fact]
    public void Legacy_data_path_selects_json_storage_when_no_kind_is_given()
    {
        var c = ConfigKit.Load("server: { data_path: /var/lib/moltnet/state.json }");

        Assert.Equal(StorageKinds.Json, c.Storage.Kind);
        Assert.Equal("/var/lib/moltnet/state.json", c.Storage.Json.Path);

        var explicitKind = ConfigKit.Load("server: { data_path: /x.json }\nstorage: { kind: memory }");
        Assert.Equal(StorageKinds.Memory, explicitKind.Storage.Kind);
    }
}
