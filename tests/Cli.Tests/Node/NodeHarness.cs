using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests.Node;

/// <summary>
/// A real server (bearer auth, SQLite) with agents alpha, beta and the sender carol in room <c>research</c>; an SSE
/// observer for barriers; per-agent workspaces and homes for fake runtimes; and <c>moltnet node start</c> processes.
/// </summary>
internal sealed class NodeHarness : IAsyncDisposable
{
    public const string AdminToken = "admin-secret";

    private const string ServerConfig = """
        version: moltnet.v1
        network: { id: local, name: Node Test Net }
        auth:
          mode: bearer
          tokens:
            - { id: ops, value: admin-secret, scopes: [admin, observe, write] }
            - { id: alpha-tok, value: alpha-secret, scopes: [attach, write, observe], agents: [alpha] }
            - { id: beta-tok, value: beta-secret, scopes: [attach, write, observe], agents: [beta] }
            - { id: carol-tok, value: carol-secret, scopes: [write, observe], agents: [carol] }
        storage: { kind: sqlite, sqlite: { path: .moltnet/moltnet.db } }
        rooms:
          - { id: research, name: Research, members: [alpha, beta, carol] }

        """;

    private readonly List<NodeProcess> _nodes = [];

    public TempDirectory Dir { get; } = new();
    public ServerProcess Server { get; private set; } = null!;
    public SseClient Events { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public string NodeConfigPath => Dir.Combine("node", "MoltnetNode");

    public static async Task<NodeHarness> StartAsync()
    {
        var h = new NodeHarness();
        h.Dir.Write("server/Moltnet", ServerConfig);
        h.Server = await ServerProcess.StartAsync(h.Dir.Combine("server"));
        h.Admin = new HttpClient { BaseAddress = new Uri(h.Server.Url), Timeout = TimeSpan.FromSeconds(30) };
        h.Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        h.Events = await SseClient.ConnectAsync(h.Admin);
        return h;
    }

    public string Home(string agent) => Dir.Combine("homes", agent);
    public string Workspace(string agent) => Dir.Combine("workspaces", agent);

    /// <summary>Installs a fake runtime executable under the test directory.</summary>
    public string Fake(string name, string script) => FakeRuntimes.Install(Dir.Combine("bin", name), script);

    /// <summary>An attachment of <paramref name="agent"/> (token <c>&lt;agent&gt;-secret</c>) in room research.</summary>
    public string Attachment(string agent, string runtimeYaml, string wake = "mentions")
    {
        Directory.CreateDirectory(Home(agent));
        Directory.CreateDirectory(Workspace(agent));
        return $"""
              - agent: {"{"} id: {agent}, name: {char.ToUpperInvariant(agent[0])}{agent[1..]} {"}"}
                moltnet: {"{"} token: {agent}-secret {"}"}
                runtime: {runtimeYaml}
                rooms: [ {"{"} id: research, wake: {wake} {"}"} ]

            """;
    }

    /// <summary>Writes the node config (0600: it holds tokens).</summary>
    public void WriteNodeConfig(params string[] attachments) => Dir.Write("node/MoltnetNode", $"""
        version: moltnet.node.v1
        moltnet: {"{"} base_url: {Server.Url}, network_id: local {"}"}
        attachments:
        {string.Concat(attachments)}
        """);

    public NodeProcess StartNode()
    {
        var node = NodeProcess.Start(Dir.Combine("node"), NodeConfigPath, new Dictionary<string, string?>
        {
            ["FAKE_DOTNET"] = CliProcess.DotnetHost,
            ["FAKE_MOLTNET_DLL"] = Moltnet.Dll,
        });
        _nodes.Add(node);
        return node;
    }

    /// <summary>Carol posts <paramref name="text"/> to research; returns the message id.</summary>
    public async Task<string> SendAsync(string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["target"] = new JsonObject { ["kind"] = "room", ["room_id"] = "research" },
                ["from"] = new JsonObject { ["type"] = "agent", ["id"] = "carol", ["name"] = "Carol" },
                ["parts"] = new JsonArray(new JsonObject { ["kind"] = "text", ["text"] = text }),
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "carol-secret");
        using var response = await Admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["message_id"]!.GetValue<string>();
    }

    /// <summary>The next observed event of <paramref name="type"/> matching <paramref name="match"/> (others are skipped).</summary>
    public async Task<JsonNode> NextEventAsync(string type, Func<JsonNode, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no {type} event in time; node output:\n{string.Join("\n---\n", _nodes.Select(n => n.Output))}");
            SseFrame frame;
            try
            {
                frame = await Events.NextEventAsync(left);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {type} event in time; node output:\n{string.Join("\n---\n", _nodes.Select(n => n.Output))}");
            }
            if (frame.Event != type || frame.Data is null) continue;
            var e = JsonNode.Parse(frame.Data)!;
            if (match is null || match(e)) return e;
        }
    }

    /// <summary>The next message posted by <paramref name="agent"/>.</summary>
    public Task<JsonNode> NextMessageFromAsync(string agent, TimeSpan? timeout = null) =>
        NextEventAsync("message.created", e => e["message"]?["from"]?["id"]?.GetValue<string>() == agent, timeout);

    public static string Text(JsonNode messageEvent) => messageEvent["message"]!["parts"]![0]!["text"]!.GetValue<string>();

    /// <summary>The recorded runs of an agent's fake runtime, in order.</summary>
    public string[] Runs(string agent)
    {
        var dir = Path.Combine(Home(agent), "runs");
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir, "run-*.txt")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)["run-".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .Select(File.ReadAllText).ToArray();
    }

    /// <summary>Waits until a file exists (the fake runtime's own barrier).</summary>
    public static async Task WaitForFileAsync(string path, TimeSpan timeout)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        using var watcher = new FileSystemWatcher(dir, Path.GetFileName(path)) { EnableRaisingEvents = true };
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Created += (_, _) => created.TrySetResult();
        if (File.Exists(path)) return;
        await created.Task.WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var n in _nodes) await n.DisposeAsync();
        await Events.DisposeAsync();
        Admin.Dispose();
        await Server.DisposeAsync();
        Dir.Dispose();
    }
}
