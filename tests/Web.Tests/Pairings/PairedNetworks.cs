using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Moltnet.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.Web.Tests.Pairings;

/// <summary>Two real Moltnet servers on loopback (SQLite, bearer auth), paired both ways: <c>neta</c> and <c>netb</c>.
/// Each lists the other's pair token with the <c>pair</c> scope; each has a public room <c>lobby</c> whose members
/// include the other network's agent, so relayed sends pass the write policy.</summary>
public sealed partial class PairedNetworks : IAsyncDisposable
{
    public const string AdminA = "admin-token-of-network-a";
    public const string AdminB = "admin-token-of-network-b";
    /// <summary>A calls B with this token; B accepts it with the pair scope.</summary>
    public const string PairTokenAtoB = "pair-secret-a-to-b-7f3c9e21d4";
    public const string PairTokenBtoA = "pair-secret-b-to-a-0b8a65fe13";

    private readonly string _dirA = Directory.CreateTempSubdirectory("moltnet-pair-a-").FullName;
    private readonly string _dirB = Directory.CreateTempSubdirectory("moltnet-pair-b-").FullName;
    private readonly int _portA = ServerProcess.FreePort();
    private readonly int _portB = ServerProcess.FreePort();

    public TestServer A { get; private set; } = null!;
    public TestServer? B { get; private set; }
    public HttpClient ClientA { get; private set; } = null!;
    public HttpClient ClientB { get; private set; } = null!;

    /// <summary>Every log line either server wrote, including servers already stopped.</summary>
    public List<string> StoppedLogs { get; } = [];

    public string UrlA => $"http://127.0.0.1:{_portA}";
    public string UrlB => $"http://127.0.0.1:{_portB}";

    public static async Task<PairedNetworks> StartAsync()
    {
        var n = new PairedNetworks();
        n.A = await TestServer.StartAtAsync(n.ConfigA(), n._dirA, n.UrlA);
        n.ClientA = n.A.ClientWithToken(AdminA);
        await n.StartBAsync();
        return n;
    }

    public MoltnetConfig ConfigA() => Config("neta", "netb", "beta", "alpha", _dirA, AdminA, PairTokenBtoA, PairTokenAtoB, UrlB, "to-b");

    public MoltnetConfig ConfigB() => Config("netb", "neta", "alpha", "beta", _dirB, AdminB, PairTokenAtoB, PairTokenBtoA, UrlA, "to-a");

    public async Task StartBAsync()
    {
        B = await TestServer.StartAtAsync(ConfigB(), _dirB, UrlB);
        ClientB = B.ClientWithToken(AdminB);
    }

    public async Task StopBAsync()
    {
        StoppedLogs.AddRange(B!.Logs.Lines);
        ClientB.Dispose();
        await B.DisposeAsync();
        B = null;
    }

    public IEnumerable<string> AllLogs() => StoppedLogs.Concat(A.Logs.Lines).Concat(B?.Logs.Lines ?? []);

    private static MoltnetConfig Config(string net, string peer, string peerAgent, string localAgent, string dir, string admin,
        string pairTokenAccepted, string pairTokenSent, string peerUrl, string pairingId) => new()
    {
        Network = new NetworkSection { Id = net, Name = $"Network {net}" },
        Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
        Storage = new StorageSection { Kind = StorageKinds.Sqlite, Sqlite = new SqliteSection { Path = Path.Combine(dir, "moltnet.db") } },
        Auth = new AuthSection
        {
            Mode = AuthModes.Bearer,
            PublicRead = true,
            Tokens =
            [
                new TokenConfig { Id = "ops", Value = admin, Scopes = [Scopes.Observe, Scopes.Write, Scopes.Admin] },
                new TokenConfig { Id = "peer", Value = pairTokenAccepted, Scopes = [Scopes.Pair] },
            ],
        },
        Rooms = [new RoomDeclaration { Id = "lobby", Visibility = "public", Members = [localAgent, $"{peer}:{peerAgent}"] }],
        Pairings = [new PairingConfig { Id = pairingId, RemoteNetworkId = peer, RemoteNetworkName = $"Network {peer}", RemoteBaseUrl = peerUrl, Token = pairTokenSent }],
        Relay = FastRelay,
    };

    public static readonly RelaySection FastRelay = new()
    {
        CheckInterval = TimeSpan.FromSeconds(1),
        ErrorCheckInterval = TimeSpan.FromMilliseconds(200),
        BackoffMin = TimeSpan.FromMilliseconds(100),
        BackoffMax = TimeSpan.FromMilliseconds(800),
        RequestTimeout = TimeSpan.FromSeconds(3),
        PollInterval = TimeSpan.FromMilliseconds(200),
    };

    /// <summary><c>moltnet_relay_total{result}</c> from <c>/metrics</c>.</summary>
    public static async Task<long> RelayCountAsync(HttpClient admin, string result)
    {
        var text = await admin.GetStringAsync("/metrics");
        var m = Regex.Match(text, $"^moltnet_relay_total\\{{result=\"{result}\"\\}} (\\d+)", RegexOptions.Multiline);
        return m.Success ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> (generous timeout: the machine is shared).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}; last value: {value}");
            await Task.Delay(50);
        }
    }

    public static async Task<JsonArray> MessagesAsync(HttpClient client, string path) =>
        (await client.Get(path)).Body?["messages"]?.AsArray() ?? [];

    public async ValueTask DisposeAsync()
    {
        ClientA.Dispose();
        await A.DisposeAsync();
        if (B is not null) await StopBAsync();
        foreach (var dir in new[] { _dirA, _dirB })
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
