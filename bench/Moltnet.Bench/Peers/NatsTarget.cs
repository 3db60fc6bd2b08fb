using System.Net.Sockets;
using System.Text;

namespace Moltnet.Bench.Peers;

/// <summary><c>nats-server</c> (core NATS, no JetStream): PUB to subject <c>bench</c>, every subscriber on <c>SUB bench</c>.
/// Nothing is stored, so this is the pub/sub ceiling: fan-out with no durability at all.</summary>
internal sealed class NatsTarget : Target
{
    private const string Config = """
        listen: 127.0.0.1:{PORT}
        max_connections: 100000
        max_pending: 268435456
        ping_interval: "10m"
        write_deadline: "30s"

        """;

    private PeerProcess? _server;

    public override string Name => "nats-server";
    public override string Path => "PUB → SUB (in memory, no ack)";
    public override int? Pid => _server?.Pid;

    public override async Task StartAsync(CancellationToken ct)
    {
        var exe = PeerProcess.Find("nats-server");
        Version = (await PeerProcess.VersionAsync(exe, "--version", ct)).Replace("nats-server: ", "", StringComparison.Ordinal);
        _server = await PeerProcess.StartAsync(exe, ["-c", "{DIR}/nats.conf"], new Dictionary<string, string> { ["nats.conf"] = Config }, ct);
    }

    public override async Task<Subscriber> SubscribeAsync(int index, string idPrefix, CancellationToken ct) =>
        await LineSubscriber.ConnectAsync(_server!.EndPoint, LoopbackSources.For(index), idPrefix,
            "CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":false}\r\nSUB bench 1\r\nPING\r\n", "PONG", Pong, ct);

    public override string Acknowledgement => "PONG to a PING after it (routed)";

    /// <summary>Core NATS has no per-message answer; acknowledged, each batch is followed by <c>PING</c> and its
    /// <c>PONG</c> (the server handles a connection in order) means the messages before it were routed to the subscriber's
    /// connection, as the NATS clients' <c>Flush()</c> does.</summary>
    public override async Task<Publisher> OpenPublisherAsync(string idPrefix, int payload, int? inFlight, CancellationToken ct)
    {
        var sockets = await TcpPublisher.ConnectAsync(_server!.EndPoint, 1, async (s, _) =>
            await s.SendAsync("CONNECT {\"verbose\":false,\"pedantic\":false}\r\n"u8.ToArray(), SocketFlags.None, ct), ct);
        return TcpPublisher.Start(sockets, seq =>
        {
            var text = Text(idPrefix, seq, payload);
            return Encoding.ASCII.GetBytes($"PUB bench {text.Length}\r\n{text}\r\n");
        }, line => line.StartsWith("-ERR"u8), inFlight is null ? null : new AckBarrier("PING\r\n"u8.ToArray(), line => line.StartsWith("PONG"u8)));
    }

    private static byte[]? Pong(ReadOnlySpan<byte> line) => line.StartsWith("PING"u8) ? "PONG\r\n"u8.ToArray() : null;

    public override async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
