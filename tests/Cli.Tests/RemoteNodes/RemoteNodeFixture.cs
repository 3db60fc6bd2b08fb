using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests.RemoteNodes;

/// <summary>One real <c>moltnet start</c> (bearer mode, SQLite) for the remote-node tests. Its environment holds a secret
/// that must never reach a node. Tokens: <c>ops</c> (admin, observe, write — no exec), <c>runner</c> (exec, observe).</summary>
public sealed class RemoteNodeFixture : IAsyncLifetime
{
    public const string AdminToken = "ops-secret";
    public const string ExecToken = "runner-secret";
    public const string ServerSecretName = "SERVER_ONLY_SECRET";
    public const string ServerSecret = "s3cr3t-of-the-server-7f2a";

    public const string ServerConfig = """
        version: moltnet.v1
        network: { id: local, name: Node Net }
        auth:
          mode: bearer
          tokens:
            - { id: ops, value: ops-secret, scopes: [admin, observe, write] }
            - { id: runner, value: runner-secret, scopes: [exec, observe] }
        storage: { kind: sqlite, sqlite: { path: .moltnet/moltnet.db } }
        rooms:
          - { id: research, name: Research, members: [alpha] }

        """;

    public TempDirectory ServerDir { get; } = new();
    public ServerProcess Server { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Runner { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ServerDir.Write("Moltnet", ServerConfig);
        Server = await ServerProcess.StartAsync(ServerDir.Path, new Dictionary<string, string?> { [ServerSecretName] = ServerSecret });
        Admin = Client(AdminToken);
        Runner = Client(ExecToken);
    }

    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(Server.Url), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Runs the real CLI against the server with the admin token.</summary>
    public Task<CliResult> CliAsync(string token, params string[] args) =>
        Moltnet.RunAsync(ServerDir.Path, [.. args, "--base-url", Server.Url, "--token", token]);

    /// <summary>A node and its token, created with <c>moltnet node generate-token --json</c>.</summary>
    public async Task<(string NodeId, string Token)> GenerateTokenAsync(string name)
    {
        var result = await CliAsync(AdminToken, "node", "generate-token", "--name", name, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.Stdout)!;
        return ((string)json["node_id"]!, (string)json["device_token"]!);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        Runner.Dispose();
        await Server.DisposeAsync();
        ServerDir.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RemoteNodeCollection : ICollectionFixture<RemoteNodeFixture>
{
    public const string Name = "remote nodes";
}
