using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace Moltnet.TestSupport;

/// <summary>N real <c>moltnet start</c> processes (replica ids <c>r1</c>…) on loopback ports sharing one fresh PostgreSQL
/// database, in bearer mode with an admin token and an attach token for agents <c>x</c>, <c>y</c>, <c>z</c>, and a
/// declared room <c>lobby</c>. <c>server:</c> settings may be added (e.g. <c>wake_ack_timeout: 3s</c>), and the auth mode
/// changed (in mode <c>none</c> every caller is anonymous and the tokens are not checked).</summary>
public sealed class Replicas : IAsyncDisposable
{
    public const string AdminToken = "admin-secret";
    public const string AgentsToken = "agents-secret";
    public const string Room = "lobby";

    private readonly PostgresCluster _pg;
    private readonly List<TempDirectory> _dirs = [];

    private readonly string _server;
    private readonly string _auth;

    private Replicas(PostgresCluster pg, string dsn, string server, string auth)
    {
        _pg = pg;
        Dsn = dsn;
        _server = server;
        _auth = auth;
    }

    public string Dsn { get; }

    public List<ServerProcess> Servers { get; } = [];

    public ServerProcess this[int i] => Servers[i];

    public static async Task<Replicas> StartAsync(PostgresCluster pg, int count, string server = "", string auth = "bearer")
    {
        if (PostgresCluster.BinDir is null) throw new InvalidOperationException(PostgresCluster.MissingMessage);
        var replicas = new Replicas(pg, await pg.CreateDatabaseAsync(), server, auth);
        try
        {
            // The first one migrates alone; the rest start together.
            replicas.Servers.Add(await replicas.StartOneAsync(1));
            var rest = await Task.WhenAll(Enumerable.Range(2, count - 1).Select(replicas.StartOneAsync));
            replicas.Servers.AddRange(rest);
        }
        catch
        {
            await replicas.DisposeAsync();
            throw;
        }
        return replicas;
    }

    private async Task<ServerProcess> StartOneAsync(int n)
    {
        var dir = new TempDirectory();
        lock (_dirs) _dirs.Add(dir);
        dir.Write("Moltnet", $$"""
            version: moltnet.v1
            network: { id: local, name: Cluster Net }
            auth:
              mode: {{_auth}}
              tokens:
                - { id: ops, value: {{AdminToken}}, scopes: [admin, observe, write] }
                - { id: agents, value: {{AgentsToken}}, scopes: [attach], agents: [x, y, z] }
            server: { {{_server}} }
            storage: { kind: postgres, postgres: { dsn: "{{Dsn}}" } }
            rooms:
              - { id: {{Room}}, name: Lobby, members: [w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, a] }

            """);
        var server = await ServerProcess.StartAsync(dir.Path, new Dictionary<string, string?>
        {
            ["MOLTNET_REPLICA_ID"] = "r" + n,
            ["MOLTNET_REPLICA_ADDRESS"] = "127.0.0.1",
        });
        server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return server;
    }

    /// <summary>Posts a room message; returns the status code.</summary>
    public static async Task<int> PostAsync(ServerProcess server, string id, string from = "a", string room = Room)
    {
        using var body = new StringContent(
            $$"""{"id":"{{id}}","target":{"kind":"room","room_id":"{{room}}"},"from":{"type":"agent","id":"{{from}}"},"parts":[{"kind":"text","text":"{{id}}"}]}""",
            Encoding.UTF8, "application/json");
        using var res = await server.Client.PostAsync("/v1/messages", body);
        return (int)res.StatusCode;
    }

    /// <summary>The message id of a <c>message.created</c> frame, or null for other events.</summary>
    public static string? MessageId(SseFrame f) =>
        f.Event == "message.created" && f.Data is { } d ? (string?)JsonNode.Parse(d)?["message"]?["id"] : null;

    /// <summary>Collects <paramref name="count"/> <c>message.created</c> frames whose id starts with <paramref name="prefix"/>.</summary>
    public static async Task<List<(string EventId, string MessageId)>> CollectMessagesAsync(SseClient sse, int count, string prefix, TimeSpan? timeout = null)
    {
        var frames = await sse.CollectAsync(count, f => MessageId(f)?.StartsWith(prefix, StringComparison.Ordinal) == true, timeout ?? TimeSpan.FromSeconds(60));
        return [.. frames.Select(f => (f.Id!, MessageId(f)!))];
    }

    /// <summary>The whole room history in commit order, read from <paramref name="server"/> page by page (newest page
    /// first, then <c>before=</c> the oldest id seen).</summary>
    public static async Task<List<string>> HistoryAsync(ServerProcess server, string room = Room)
    {
        var pages = new List<List<string>>();
        string? before = null;
        while (true)
        {
            var url = $"/v1/rooms/{room}/messages?limit=500" + (before is null ? "" : "&before=" + before);
            var page = JsonNode.Parse(await server.Client.GetStringAsync(url))!;
            var messages = page["messages"]!.AsArray().Select(m => (string)m!["id"]!).ToList();
            pages.Add(messages);
            if (!(bool)page["page"]!["has_more"]! || messages.Count == 0) break;
            before = messages[0];
        }
        pages.Reverse();
        return [.. pages.SelectMany(p => p)];
    }

    /// <summary>The backend pid of replica <paramref name="replicaId"/>'s LISTEN connection (application name
    /// <c>moltnet-listener-&lt;id&gt;</c>), or null while it has none.</summary>
    public async Task<int?> ListenerPidAsync(string replicaId)
    {
        await using var c = new NpgsqlConnection(Dsn + ";Pooling=false");
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT pid FROM pg_stat_activity WHERE application_name = @a AND datname = current_database()", c);
        cmd.Parameters.AddWithValue("a", "moltnet-listener-" + replicaId);
        return await cmd.ExecuteScalarAsync() is int pid ? pid : null;
    }

    /// <summary>Waits until replica <paramref name="replicaId"/> listens on a connection other than <paramref name="before"/>;
    /// returns its pid.</summary>
    public async Task<int> NewListenerAsync(string replicaId, int before, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await ListenerPidAsync(replicaId) is { } pid && pid != before) return pid;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{replicaId} did not listen again");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in Servers) await s.DisposeAsync();
        foreach (var d in _dirs) d.Dispose();
        await _pg.DropDatabaseAsync(Dsn);
    }
}
