using System.Net.Sockets;
using System.Text;

namespace Moltnet.Bench.Peers;

/// <summary><c>ngircd</c>: a chat room as IRC does it. Subscribers are clients joined to <c>#bench</c>; the publisher is
/// four joined clients sending <c>PRIVMSG #bench</c> round-robin. Flood penalties are switched off
/// (<c>MaxPenaltyTime = 0</c>) and per-IP caps lifted, so the figure is the server's, not its throttle's.</summary>
internal sealed class IrcTarget : Target
{
    private const string Config = """
        [Global]
        Name = bench.irc
        Info = moltnet bench peer
        Listen = 127.0.0.1
        Ports = {PORT}
        PidFile = {DIR}/ngircd.pid
        MotdPhrase = bench

        [Limits]
        MaxConnections = 0
        MaxConnectionsIP = 0
        MaxJoins = 0
        MaxNickLength = 30
        MaxPenaltyTime = 0
        PingTimeout = 600
        PongTimeout = 600

        [Options]
        DNS = no
        Ident = no
        PAM = no

        """;

    private const int Publishers = 4;
    private PeerProcess? _server;

    public override string Name => "ngircd";
    public override string Path => "PRIVMSG #bench → channel members (in memory)";
    public override int? Pid => _server?.Pid;

    public override async Task StartAsync(CancellationToken ct)
    {
        var exe = PeerProcess.Find("ngircd");
        Version = (await PeerProcess.VersionAsync(exe, "--version", ct)).Split('-')[0].Replace("ngIRCd ", "", StringComparison.Ordinal);
        _server = await PeerProcess.StartAsync(exe, ["-n", "-f", "{DIR}/ngircd.conf"], new Dictionary<string, string> { ["ngircd.conf"] = Config }, ct);
    }

    public override async Task<Subscriber> SubscribeAsync(int index, string idPrefix, CancellationToken ct) =>
        await LineSubscriber.ConnectAsync(_server!.EndPoint, LoopbackSources.For(index), idPrefix,
            $"NICK s{index}\r\nUSER s{index} 0 * :bench\r\nJOIN #bench\r\n", " 366 ", Pong, ct);

    /// <summary>Idle clients join channels of 100 (<c>#idle-0</c>, <c>#idle-1</c>…): in one channel every JOIN is sent
    /// to every member and answered with the whole member list, so 10,000 joins there cost O(n²) and measure that, not
    /// memory. Many rooms of moderate size is also what an idle chat network looks like.</summary>
    public override async Task<Subscriber> IdleSubscribeAsync(int index, string idPrefix, CancellationToken ct) =>
        await LineSubscriber.ConnectAsync(_server!.EndPoint, LoopbackSources.For(index), idPrefix,
            $"NICK i{index}\r\nUSER i{index} 0 * :bench\r\nJOIN #idle-{index / 100}\r\n", " 366 ", Pong, ct);

    public override string Acknowledgement => "PONG to a PING after it (relayed)";

    /// <summary>IRC has no per-message answer; acknowledged, each batch is followed by <c>PING :bench-ack</c> and its
    /// <c>PONG</c> (ngircd handles a client's commands in order) means the PRIVMSGs before it were relayed to the members.</summary>
    public override async Task<Publisher> OpenPublisherAsync(string idPrefix, int payload, int? inFlight, CancellationToken ct)
    {
        var sockets = await TcpPublisher.ConnectAsync(_server!.EndPoint, Publishers, async (s, i) =>
        {
            await s.SendAsync(Encoding.ASCII.GetBytes($"NICK p{i}\r\nUSER p{i} 0 * :bench\r\nJOIN #bench\r\n"), SocketFlags.None, ct);
            await WaitForAsync(s, " 366 ", ct);
        }, ct);
        return TcpPublisher.Start(sockets, seq => Encoding.ASCII.GetBytes($"PRIVMSG #bench :{Text(idPrefix, seq, payload)}\r\n"),
            line => IsError(line), inFlight is null ? null : new AckBarrier("PING :bench-ack\r\n"u8.ToArray(), IsAckPong));
    }

    /// <summary>ngircd's answer to <c>PING :bench-ack</c>: <c>:bench.irc PONG bench.irc :bench-ack</c>.</summary>
    private static bool IsAckPong(ReadOnlySpan<byte> line) =>
        line.IndexOf(" PONG "u8) >= 0 && line.TrimEnd((byte)'\r').EndsWith(":bench-ack"u8);

    /// <summary>Numeric replies 400–599 are errors (e.g. 404 cannot send to channel).</summary>
    private static bool IsError(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        if (space < 0 || line.Length < space + 5) return false;
        var code = line.Slice(space + 1, 3);
        return line[space + 4] == (byte)' ' && code[0] is (byte)'4' or (byte)'5' && char.IsAsciiDigit((char)code[1]) && char.IsAsciiDigit((char)code[2]);
    }

    private static async Task WaitForAsync(Socket socket, string marker, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0) throw new InvalidOperationException($"ngircd closed the connection: {seen}");
            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
    }

    private static byte[]? Pong(ReadOnlySpan<byte> line) =>
        line.StartsWith("PING "u8) ? Encoding.ASCII.GetBytes("PONG " + Encoding.ASCII.GetString(line[5..]).TrimEnd('\r') + "\r\n") : null;

    public override async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
