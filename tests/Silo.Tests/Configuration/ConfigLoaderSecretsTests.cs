using Moltnet.Silo.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.Silo.Tests.Configuration;

public sealed class ConfigLoaderSecretsTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        ConfigLoader.EnvFrom(vars.ToDictionary(v => v.Key, v => (string?)v.Value));

    [Fact]
    public void Value_file_is_read_relative_to_the_config_directory_and_trimmed()
    {
        using var dir = new TempDirectory();
        dir.Write("etc/secrets/ops.token", "  file-secret\n");
        dir.Write("etc/Moltnet", "auth: { mode: bearer, tokens: [ { id: ops, value_file: secrets/ops.token, scopes: [admin] } ] }",
            TempDirectory.WorldReadable);

        var c = ConfigLoader.Load("etc/Moltnet", dir.Path, Env());

        var token = c.Auth.Tokens.Single();
        Assert.Equal("file-secret", token.Value);
        Assert.Equal("secrets/ops.token", token.ValueFile);
    }

    [Fact]
    public void A_missing_or_empty_value_file_is_an_error()
    {
        using var dir = new TempDirectory();
        dir.Write("empty.token", " \n");
        dir.Write("Moltnet", """
            auth:
              tokens:
                - { value_file: empty.token, scopes: [observe] }
                - { value_file: absent.token, scopes: [observe] }
            """);

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, dir.Path, Env()));

        ConfigKit.HasError(ex, $"Moltnet: auth.tokens[0].value_file: {dir.Combine("empty.token")} is empty");
        ConfigKit.HasErrorStarting(ex, $"Moltnet: auth.tokens[1].value_file: cannot read {dir.Combine("absent.token")}");
    }

    [Fact]
    public void Value_env_reads_the_named_variable()
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", "auth: { mode: bearer, tokens: [ { id: ci, value_env: CI_TOKEN, scopes: [write] } ] }", TempDirectory.WorldReadable);

        var c = ConfigLoader.Load(null, dir.Path, Env(("CI_TOKEN", "env-secret")));

        Assert.Equal(("env-secret", "CI_TOKEN"), (c.Auth.Tokens.Single().Value, c.Auth.Tokens.Single().ValueEnv));
    }

    [Fact]
    public void An_unset_or_empty_value_env_is_an_error()
    {
        var ex = ConfigKit.Fail("auth: { tokens: [ { value_env: NOT_SET, scopes: [write] } ] }");
        ConfigKit.HasError(ex, "Moltnet: auth.tokens[0].value_env: environment variable NOT_SET is not set or empty");

        ex = ConfigKit.Fail("auth: { tokens: [ { value_env: EMPTY, scopes: [write] } ] }", new Dictionary<string, string?> { ["EMPTY"] = "" });
        ConfigKit.HasError(ex, "Moltnet: auth.tokens[0].value_env: environment variable EMPTY is not set or empty");
    }

    [Fact]
    public void Exactly_one_secret_source_is_allowed()
    {
        var ex = ConfigKit.Fail("auth: { tokens: [ { value: a, value_env: B, scopes: [write] } ] }", new Dictionary<string, string?> { ["B"] = "b" });
        ConfigKit.HasError(ex, "Moltnet: auth.tokens[0]: set only one of value, value_file or value_env");
    }

    [Fact]
    public void The_default_token_id_is_derived_from_a_resolved_secret()
    {
        var c = ConfigKit.Load("auth: { tokens: [ { value_env: T, scopes: [write] } ] }", new Dictionary<string, string?> { ["T"] = "xyz" });
        Assert.Equal(ConfigLoader.DefaultTokenId("xyz"), c.Auth.Tokens.Single().Id);
    }

    [Theory]
    [InlineData("auth: { tokens: [ { id: a, value: plain, scopes: [write] } ] }", "auth.tokens[0].value")]
    [InlineData("pairings: [ { id: p, remote_network_id: n, remote_base_url: \"http://x\", token: plain } ]", "pairings[0].token")]
    [InlineData("storage: { kind: postgres, postgres: { dsn: \"Host=db;Password=p\" } }", "storage.postgres.dsn")]
    public void Plaintext_secrets_in_a_group_or_world_readable_file_are_rejected(string yaml, string secretPath)
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", yaml, TempDirectory.WorldReadable);

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, dir.Path, Env()));

        ConfigKit.HasError(ex, "Moltnet: must not be accessible by group or others (mode 0644; run chmod 600): " +
            $"it holds plaintext secrets ({secretPath}); fix the file or move them to value_file/value_env");
    }

    [Fact]
    public void Plaintext_secrets_in_a_private_file_load()
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", "auth: { tokens: [ { id: a, value: plain, scopes: [write] } ] }", TempDirectory.Private);

        Assert.Equal("plain", ConfigLoader.Load(null, dir.Path, Env()).Auth.Tokens.Single().Value);
    }

    [Fact]
    public void Group_access_alone_is_enough_to_reject()
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", "auth: { tokens: [ { id: a, value: plain, scopes: [write] } ] }",
            TempDirectory.Private | UnixFileMode.GroupRead);

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, dir.Path, Env()));
        ConfigKit.HasErrorStarting(ex, "Moltnet: must not be accessible by group or others (mode 0640");
    }

    [Fact]
    public void A_symlinked_file_with_plaintext_secrets_is_rejected()
    {
        using var dir = new TempDirectory();
        var target = dir.Write("real.yaml", "auth: { tokens: [ { id: a, value: plain, scopes: [write] } ] }", TempDirectory.Private);
        File.CreateSymbolicLink(dir.Combine("Moltnet"), target);

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, dir.Path, Env()));
        ConfigKit.HasErrorStarting(ex, "Moltnet: must not be a symlink: it holds plaintext secrets (auth.tokens[0].value)");
    }

    [Fact]
    public void A_world_readable_or_symlinked_file_without_plaintext_secrets_is_fine()
    {
        using var dir = new TempDirectory();
        dir.Write("ops.token", "s");
        var target = dir.Write("real.yaml", "auth: { tokens: [ { id: a, value_file: ops.token, scopes: [write] } ] }", TempDirectory.WorldReadable);
        File.CreateSymbolicLink(dir.Combine("Moltnet"), target);

        Assert.Equal("s", ConfigLoader.Load(null, dir.Path, Env()).Auth.Tokens.Single().Value);
    }

    [Fact]
    public void A_postgres_dsn_from_the_environment_needs_no_file_hardening()
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", "storage: { kind: postgres }", TempDirectory.WorldReadable);

        var c = ConfigLoader.Load(null, dir.Path, Env(("MOLTNET_POSTGRES_DSN", "Host=db;Password=p")));
        Assert.Equal("Host=db;Password=p", c.Storage.Postgres.Dsn);
    }
}
