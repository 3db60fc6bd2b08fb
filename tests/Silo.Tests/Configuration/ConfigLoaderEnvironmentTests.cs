using Moltnet.Configuration;

namespace Moltnet.Silo.Tests.Configuration;

public sealed class ConfigLoaderEnvironmentTests
{
    private const string File = """
        network: { id: file-net, name: File Net }
        server: { listen_addr: ":1000", human_ingress: true, direct_messages: true, debug_events: false }
        pairings: [ { id: old, remote_network_id: old, remote_base_url: "http://old.example" } ]
        """;

    [Fact]
    public void Network_and_listen_address_variables_override_the_file()
    {
        var c = ConfigKit.Load(File, new Dictionary<string, string?>
        {
            ["MOLTNET_LISTEN_ADDR"] = "0.0.0.0:80",
            ["MOLTNET_NETWORK_ID"] = "env-net",
            ["MOLTNET_NETWORK_NAME"] = "Env Net",
        });

        Assert.Equal("0.0.0.0:80", c.Server.ListenAddr);
        Assert.Equal(new NetworkSection { Id = "env-net", Name = "Env Net" }, c.Network);
    }

    [Fact]
    public void Empty_variables_are_ignored()
    {
        var c = ConfigKit.Load(File, new Dictionary<string, string?>
        {
            ["MOLTNET_LISTEN_ADDR"] = "",
            ["MOLTNET_NETWORK_ID"] = "",
            ["MOLTNET_STORAGE_KIND"] = "",
            ["MOLTNET_PAIRINGS_JSON"] = "",
        });

        Assert.Equal(":1000", c.Server.ListenAddr);
        Assert.Equal("file-net", c.Network.Id);
        Assert.Equal(StorageKinds.Sqlite, c.Storage.Kind);
        Assert.Equal("old", c.Pairings.Single().Id);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("No", false)]
    [InlineData("off", false)]
    public void Bool_variables_accept_the_spec_spellings(string value, bool expected)
    {
        var start = expected ? "false" : "true";
        var c = ConfigKit.Load($"server: {{ human_ingress: {start}, direct_messages: {start}, debug_events: {start} }}", new Dictionary<string, string?>
        {
            ["MOLTNET_ALLOW_HUMAN_INGRESS"] = value,
            ["MOLTNET_ALLOW_DIRECT_MESSAGES"] = value,
            ["MOLTNET_DEBUG_EVENTS"] = value,
        });

        Assert.Equal(expected, c.Server.HumanIngress);
        Assert.Equal(expected, c.Server.DirectMessages);
        Assert.Equal(expected, c.Server.DebugEvents);
    }

    [Fact]
    public void Other_bool_spellings_are_ignored()
    {
        var c = ConfigKit.Load(File, new Dictionary<string, string?>
        {
            ["MOLTNET_ALLOW_HUMAN_INGRESS"] = "maybe",
            ["MOLTNET_DEBUG_EVENTS"] = "2",
        });

        Assert.True(c.Server.HumanIngress);
        Assert.False(c.Server.DebugEvents);
    }

    [Fact]
    public void Analytics_variables_set_or_complete_the_console_analytics()
    {
        var c = ConfigKit.Load(null, new Dictionary<string, string?>
        {
            ["MOLTNET_CONSOLE_ANALYTICS_PROVIDER"] = "google",
            ["MOLTNET_CONSOLE_ANALYTICS_MEASUREMENT_ID"] = "G-ENV",
        });
        Assert.Equal(new AnalyticsSection("google", "G-ENV"), c.Server.Console.Analytics);

        var completed = ConfigKit.Load("server: { console: { analytics: { provider: google, measurement_id: G-FILE } } }",
            new Dictionary<string, string?> { ["MOLTNET_CONSOLE_ANALYTICS_MEASUREMENT_ID"] = "G-ENV2" });
        Assert.Equal(new AnalyticsSection("google", "G-ENV2"), completed.Server.Console.Analytics);
    }

    [Fact]
    public void Analytics_from_the_environment_is_validated_too()
    {
        var ex = ConfigKit.Fail(null, new Dictionary<string, string?> { ["MOLTNET_CONSOLE_ANALYTICS_PROVIDER"] = "google" });
        ConfigKit.HasError(ex, "environment: server.console.analytics: provider and measurement_id must be set together (or both left out)");
    }

    [Fact]
    public void MOLTNET_PAIRINGS_JSON_replaces_the_file_pairings()
    {
        var c = ConfigKit.Load(File, new Dictionary<string, string?>
        {
            ["MOLTNET_PAIRINGS_JSON"] = """
                [{"id":"p1","remote_network_id":"net1","remote_base_url":"https://one.example","token":"t1"},
                 {"id":"p2","remote_network_id":"net2","remote_network_name":"Two","remote_base_url":"http://two.example:8787"}]
                """,
        });

        Assert.Equal(["p1", "p2"], c.Pairings.Select(p => p.Id));
        Assert.Equal("t1", c.Pairings[0].Token);
        Assert.Equal("Two", c.Pairings[1].RemoteNetworkName);
    }

    [Fact]
    public void MOLTNET_PAIRINGS_JSON_may_clear_the_pairings()
    {
        var c = ConfigKit.Load(File, new Dictionary<string, string?> { ["MOLTNET_PAIRINGS_JSON"] = "[]" });
        Assert.Empty(c.Pairings);
    }

    [Theory]
    [InlineData("[{", "MOLTNET_PAIRINGS_JSON: invalid JSON")]
    [InlineData("""{"id":"p"}""", "MOLTNET_PAIRINGS_JSON: must be a JSON array of pairings, got a map")]
    [InlineData("""[{"id":"p","remote_network_id":"n","remote_base_url":"ftp://x"}]""", "MOLTNET_PAIRINGS_JSON: pairings[0].remote_base_url: must be an http or https URL")]
    [InlineData("""[{"id":"p","remote_network_id":"n","remote_base_url":"http://x","extra":1}]""", "MOLTNET_PAIRINGS_JSON: pairings[0].extra: unknown key")]
    public void Bad_MOLTNET_PAIRINGS_JSON_is_a_startup_error(string json, string expectedPrefix)
    {
        var ex = ConfigKit.Fail(File, new Dictionary<string, string?> { ["MOLTNET_PAIRINGS_JSON"] = json });
        ConfigKit.HasErrorStarting(ex, expectedPrefix);
    }

    [Fact]
    public void MOLTNET_PAIRINGS_JSON_tokens_need_no_file_hardening()
    {
        var c = ConfigKit.Load(null, new Dictionary<string, string?>
        {
            ["MOLTNET_PAIRINGS_JSON"] = """[{"id":"p","remote_network_id":"n","remote_base_url":"http://x","token":"plain"}]""",
        });
        Assert.Equal("plain", c.Pairings.Single().Token);
    }

    [Fact]
    public void MOLTNET_STORAGE_KIND_sets_the_kind()
    {
        var c = ConfigKit.Load(null, new Dictionary<string, string?> { ["MOLTNET_STORAGE_KIND"] = "memory" });
        Assert.Equal(StorageKinds.Memory, c.Storage.Kind);
    }

    [Fact]
    public void A_bad_MOLTNET_STORAGE_KIND_is_an_error_naming_the_variable()
    {
        var ex = ConfigKit.Fail(null, new Dictionary<string, string?> { ["MOLTNET_STORAGE_KIND"] = "redis" });
        ConfigKit.HasError(ex, "MOLTNET_STORAGE_KIND: must be one of memory, json, sqlite, postgres (got \"redis\")");
    }

    [Theory]
    [InlineData("MOLTNET_JSON_PATH", "/data/m.json", "json")]
    [InlineData("MOLTNET_DATA_PATH", "/data/legacy.json", "json")]
    [InlineData("MOLTNET_SQLITE_PATH", "/data/m.db", "sqlite")]
    [InlineData("MOLTNET_POSTGRES_DSN", "Host=db;Username=m", "postgres")]
    public void A_path_or_dsn_variable_also_sets_the_kind(string variable, string value, string kind)
    {
        var c = ConfigKit.Load("storage: { kind: memory }", new Dictionary<string, string?> { [variable] = value });

        Assert.Equal(kind, c.Storage.Kind);
        var stored = kind switch
        {
            "json" => c.Storage.Json.Path,
            "sqlite" => c.Storage.Sqlite.Path,
            _ => c.Storage.Postgres.Dsn,
        };
        Assert.Equal(value, stored);
    }

    [Fact]
    public void MOLTNET_DATA_PATH_also_sets_the_legacy_data_path()
    {
        var c = ConfigKit.Load(null, new Dictionary<string, string?> { ["MOLTNET_DATA_PATH"] = "/d/state.json" });
        Assert.Equal("/d/state.json", c.Server.DataPath);
    }

    [Fact]
    public void With_MOLTNET_STORAGE_KIND_given_path_variables_do_not_change_the_kind()
    {
        var c = ConfigKit.Load(null, new Dictionary<string, string?>
        {
            ["MOLTNET_STORAGE_KIND"] = "sqlite",
            ["MOLTNET_SQLITE_PATH"] = "/d/a.db",
            ["MOLTNET_POSTGRES_DSN"] = "Host=db",
        });

        Assert.Equal(StorageKinds.Sqlite, c.Storage.Kind);
        Assert.Equal("/d/a.db", c.Storage.Sqlite.Path);
        Assert.Equal("Host=db", c.Storage.Postgres.Dsn);
    }

    [Fact]
    public void Storage_variables_apply_in_the_spec_order_so_the_dsn_wins()
    {
        var c = ConfigKit.Load(null, new Dictionary<string, string?>
        {
            ["MOLTNET_JSON_PATH"] = "/d/m.json",
            ["MOLTNET_SQLITE_PATH"] = "/d/m.db",
            ["MOLTNET_POSTGRES_DSN"] = "Host=db",
        });

        Assert.Equal(StorageKinds.Postgres, c.Storage.Kind);
    }

    [Fact]
    public void A_bad_MOLTNET_LISTEN_ADDR_is_an_error_naming_the_variable()
    {
        var ex = ConfigKit.Fail(null, new Dictionary<string, string?> { ["MOLTNET_LISTEN_ADDR"] = "8787" });
        ConfigKit.HasErrorStarting(ex, "MOLTNET_LISTEN_ADDR: must be host:port");
    }

    [Fact]
    public void Auth_is_file_only()
    {
        var c = ConfigKit.Load(null, new Dictionary<string, string?> { ["MOLTNET_AUTH_MODE"] = "bearer" });
        Assert.Equal(AuthModes.None, c.Auth.Mode);
    }
}
