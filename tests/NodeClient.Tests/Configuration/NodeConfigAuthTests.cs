using Moltnet.Configuration;
using Moltnet.NodeClient.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.NodeClient.Tests.Configuration;

/// <summary>node-and-cli checklist items 12–17: auth mode and token sources (§1.2).</summary>
public sealed class NodeConfigAuthTests
{
    private const string Agent = "  - agent: { id: alpha }\n    runtime: { kind: openclaw }\n";

    private static string Config(string sharedExtra, string attachmentExtra = "") =>
        $"moltnet:\n  base_url: http://127.0.0.1:8787\n  network_id: local\n{sharedExtra}attachments:\n{Agent}{attachmentExtra}";

    [Fact]
    public void Item12_bearer_without_a_token_source_is_rejected()
    {
        var ex = NodeKit.Fail(Config("  auth_mode: bearer\n"));
        NodeKit.HasError(ex, "attachments[0]: moltnet: bearer auth needs a token source (token, token_env or token_path)");
    }

    [Fact]
    public void Item12_a_token_source_alone_means_bearer()
    {
        var a = NodeKit.Load(Config("  token_env: SHARED\n"), new Dictionary<string, string?> { ["SHARED"] = " tok-1 " }).Attachments.Single();
        Assert.Equal((AuthModes.Bearer, "tok-1", "token_env"), (a.Credentials.AuthMode, a.Credentials.Token, a.Credentials.TokenSource));
    }

    [Fact]
    public void Item12_no_source_and_no_mode_means_none()
    {
        var a = NodeKit.Load(Config("")).Attachments.Single();
        Assert.Equal((AuthModes.None, null), (a.Credentials.AuthMode, a.Credentials.Token));
        NodeKit.HasError(NodeKit.Fail(Config("  static_token: true\n")), "attachments[0]: moltnet.static_token: not allowed when the auth mode is none");
    }

    [Fact]
    public void Item13_a_shared_open_token_needs_static_token()
    {
        var ex = NodeKit.Fail(Config("  auth_mode: open\n  token_env: SHARED\n"), new Dictionary<string, string?> { ["SHARED"] = "static-1" });
        NodeKit.HasError(ex, "moltnet.static_token: must be true when the shared moltnet block has a token in open mode");

        var ok = NodeKit.Load(Config("  auth_mode: open\n  static_token: true\n  token_env: SHARED\n"), new Dictionary<string, string?> { ["SHARED"] = "static-1" });
        Assert.Equal("static-1", ok.Attachments.Single().Credentials.Token);
    }

    [Fact]
    public void Item13_a_shared_generated_agent_token_is_rejected()
    {
        var ex = NodeKit.Fail(Config("  auth_mode: open\n  static_token: true\n  token: magt_v1_abc\n"));
        NodeKit.HasError(ex, "MoltnetNode: moltnet.token: a generated agent token (magt_v1_…) cannot be shared");
    }

    [Fact]
    public void Item14_an_inline_token_in_a_world_readable_file_is_rejected()
    {
        using var dir = new TempDirectory();
        var ex = NodeKit.Fail(dir, Config("  token: inline-secret\n"), mode: TempDirectory.WorldReadable);
        NodeKit.HasError(ex, "MoltnetNode: must not be accessible by group or others (mode 0644; run chmod 600): it holds plaintext tokens (moltnet.token)");

        var runtimeToken = NodeKit.Fail(dir, NodeKit.WithAttachments("  - agent: { id: a }\n    runtime: { kind: openclaw, token: gw }\n"), mode: TempDirectory.WorldReadable);
        NodeKit.HasError(runtimeToken, "it holds plaintext tokens (attachments[0].runtime.token)");
    }

    [Fact]
    public void Item14_an_inline_token_in_a_private_file_is_accepted()
    {
        using var dir = new TempDirectory();
        var a = NodeKit.Load(dir, Config("", "    moltnet: { token: own-secret }\n"), mode: TempDirectory.Private).Attachments.Single();
        Assert.Equal(("own-secret", "token"), (a.Credentials.Token, a.Credentials.TokenSource));
    }

    [Fact]
    public void Item14_an_inline_token_in_a_symlinked_file_is_rejected()
    {
        using var dir = new TempDirectory();
        var target = dir.Write("real.yaml", Config("  token: inline\n"));
        File.CreateSymbolicLink(dir.Combine("MoltnetNode"), target);

        var ex = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(null, dir.Path, NodeKit.Env(null)));
        NodeKit.HasError(ex, "MoltnetNode: must not be a symlink: it holds plaintext tokens (moltnet.token)");
    }

    [Fact]
    public void Item15_attachment_token_fields_replace_all_shared_ones()
    {
        using var dir = new TempDirectory();
        dir.Write("conf/tokens/alpha.token", "alpha-secret\n");
        var node = NodeKit.Load(dir, Config("  token: shared-secret\n", "    moltnet: { token_path: tokens/alpha.token }\n"), fileName: "conf/MoltnetNode");

        var c = node.Attachments.Single().Credentials;
        Assert.Equal(("alpha-secret", "token_path"), (c.Token, c.TokenSource));
        Assert.Equal(dir.Combine("conf", "tokens", "alpha.token"), c.TokenPath);
    }

    [Fact]
    public void Item15_an_attachment_without_token_fields_inherits_the_shared_ones()
    {
        using var dir = new TempDirectory();
        dir.Write("shared.token", "shared-secret");
        var c = NodeKit.Load(dir, Config("  token_path: shared.token\n")).Attachments.Single().Credentials;
        Assert.Equal(("shared-secret", dir.Combine("shared.token")), (c.Token, c.TokenPath));
    }

    [Fact]
    public void Item15_token_wins_over_token_env_and_token_path()
    {
        var c = NodeKit.Load(Config("", "    moltnet: { token: first, token_env: UNSET, token_path: missing.token }\n")).Attachments.Single().Credentials;
        Assert.Equal(("first", "token"), (c.Token, c.TokenSource));
    }

    [Fact]
    public void Item16_a_symlinked_token_file_is_an_error()
    {
        using var dir = new TempDirectory();
        var real = dir.Write("real.token", "s");
        File.CreateSymbolicLink(dir.Combine("alpha.token"), real);

        var ex = NodeKit.Fail(dir, Config("", "    moltnet: { token_path: alpha.token }\n"));
        NodeKit.HasError(ex, $"attachments[0]: moltnet.token_path: {dir.Combine("alpha.token")} must not be a symlink");
    }

    [Fact]
    public void Item16_a_directory_token_path_is_an_error()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("alpha.token"));

        var ex = NodeKit.Fail(dir, Config("", "    moltnet: { token_path: alpha.token }\n"));
        NodeKit.HasError(ex, $"attachments[0]: moltnet.token_path: {dir.Combine("alpha.token")} is a directory");
    }

    [Fact]
    public void Item16_a_group_readable_token_file_is_an_error()
    {
        using var dir = new TempDirectory();
        dir.Write("alpha.token", "s", TempDirectory.Private | UnixFileMode.GroupRead);

        var ex = NodeKit.Fail(dir, Config("", "    moltnet: { token_path: alpha.token }\n"));
        NodeKit.HasError(ex, $"attachments[0]: moltnet.token_path: {dir.Combine("alpha.token")} must not be accessible by group or others (mode 0640");
    }

    [Fact]
    public void Item16_an_empty_token_file_is_an_error()
    {
        using var dir = new TempDirectory();
        dir.Write("alpha.token", " \n");

        var ex = NodeKit.Fail(dir, Config("", "    moltnet: { token_path: alpha.token }\n"));
        NodeKit.HasError(ex, $"attachments[0]: moltnet.token_path: {dir.Combine("alpha.token")} is empty");
    }

    [Fact]
    public void Item16_an_empty_token_env_is_an_error_without_fall_through()
    {
        using var dir = new TempDirectory();
        dir.Write("alpha.token", "from-file");

        var ex = NodeKit.Fail(dir, Config("", "    moltnet: { token_env: ALPHA_TOKEN, token_path: alpha.token }\n"),
            new Dictionary<string, string?> { ["ALPHA_TOKEN"] = "" });
        NodeKit.HasError(ex, "attachments[0]: moltnet.token_env: environment variable ALPHA_TOKEN is not set or empty");
    }

    [Fact]
    public void Item16_a_missing_token_file_outside_open_mode_is_an_error()
    {
        using var dir = new TempDirectory();
        var ex = NodeKit.Fail(dir, Config("", "    moltnet: { token_path: nope.token }\n"));
        NodeKit.HasError(ex, $"attachments[0]: moltnet.token_path: {dir.Combine("nope.token")} does not exist");
    }

    [Fact]
    public void Item17_open_mode_with_a_missing_token_file_is_a_first_claim()
    {
        using var dir = new TempDirectory();
        var c = NodeKit.Load(dir, Config("  auth_mode: open\n  registration: open\n", "    moltnet: { token_path: .moltnet/alpha.token }\n"))
            .Attachments.Single().Credentials;

        Assert.Equal(AuthModes.Open, c.AuthMode);
        Assert.Null(c.Token);
        Assert.Equal(dir.Combine(".moltnet", "alpha.token"), c.TokenPath);
    }

    [Fact]
    public void Item17_open_mode_with_a_claimed_token_file_uses_it()
    {
        using var dir = new TempDirectory();
        dir.Write(".moltnet/alpha.token", "magt_v1_claimed\n");
        var c = NodeKit.Load(dir, Config("  auth_mode: open\n", "    moltnet: { token_path: .moltnet/alpha.token }\n")).Attachments.Single().Credentials;
        Assert.Equal("magt_v1_claimed", c.Token);
    }

    [Fact]
    public void Open_mode_without_any_token_source_is_rejected()
    {
        var ex = NodeKit.Fail(Config("  auth_mode: open\n"));
        NodeKit.HasError(ex, "attachments[0]: moltnet: open auth needs a token source, normally token_path");
    }

    [Fact]
    public void Bad_auth_mode_and_registration_values_are_rejected()
    {
        var ex = NodeKit.Fail(Config("  auth_mode: oauth\n  registration: always\n"));
        NodeKit.HasError(ex, "moltnet.auth_mode: must be one of none, bearer, open (got \"oauth\")");
        NodeKit.HasError(ex, "moltnet.registration: must be one of disabled, token, open (got \"always\")");
    }
}
