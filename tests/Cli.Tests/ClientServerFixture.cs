using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests;

/// <summary>One real <c>moltnet start</c> in bearer mode (SQLite in a temp dir) shared by the client command tests, and a
/// workspace whose <c>.moltnet/config.json</c> attaches agent <c>alpha</c> to rooms <c>research</c> and <c>ghost</c>.</summary>
public sealed class ClientServerFixture : IAsyncLifetime
{
    public const string AdminToken = "admin-secret";
    public const string AlphaToken = "alpha-secret";

    public const string ServerConfig = """
        version: moltnet.v1
        network: { id: local, name: Test Net }
        auth:
          mode: bearer
          tokens:
            - { id: ops, value: admin-secret, scopes: [admin, observe, write] }
            - { id: alpha-tok, value: alpha-secret, scopes: [observe, write], agents: [alpha] }
        storage: { kind: sqlite, sqlite: { path: .moltnet/moltnet.db } }
        rooms:
          - { id: research, name: Research, members: [alpha, beta] }
          - { id: readonly, members: [alpha] }

        """;

    public TempDirectory ServerDir { get; } = new();
    public TempDirectory Workspace { get; } = new();
    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ServerDir.Write("Moltnet", ServerConfig);
        Server = await ServerProcess.StartAsync(ServerDir.Path);
        Workspace.Write(".moltnet/config.json", ClientConfig(Server.Url, AlphaToken));
    }

    public static string ClientConfig(string baseUrl, string token) => $$$"""
        {"version":"moltnet.client.v1","agent":{"name":"Alpha","runtime":"codex"},
         "attachments":[{"agent_name":"Alpha","base_url":"{{{baseUrl}}}","network_id":"local","member_id":"alpha","runtime":"codex",
           "auth":{"mode":"bearer","token":"{{{token}}}"},
           "rooms":[{"id":"research","wake":"never"},{"id":"ghost","wake":"never"},{"id":"readonly","wake":"never","can_write":false}],
           "dms":{"enabled":false}}]}
        """;

    public Task<CliResult> RunAsync(params string[] args) => Moltnet.RunAsync(Workspace.Path, args);

    public Task<CliResult> AdminAsync(params string[] args) =>
        Moltnet.RunAsync(Workspace.Path, [.. args, "--base-url", Server.Url, "--token", AdminToken]);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        ServerDir.Dispose();
        Workspace.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ClientServerCollection : ICollectionFixture<ClientServerFixture>
{
    public const string Name = "client server";
}
