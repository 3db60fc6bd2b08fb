using System.Text;

namespace Moltnet.Bench.Peers;

/// <summary><c>redis-server</c> as a durable chat log with fan-out: each message is <c>XADD bench MAXLEN ~ 100000 *</c>
/// (appended to the AOF with <c>appendfsync always</c>, Redis's closest match to a committed SQLite write) followed by
/// <c>PUBLISH bench</c>, pipelined on one connection; every subscriber is on <c>SUBSCRIBE bench</c>.</summary>
internal sealed class RedisTarget : Target
{
    private const string Config = """
        bind 127.0.0.1
        port {PORT}
        dir {DIR}
        daemonize no
        protected-mode no
        save ""
        appendonly yes
        appendfsync always
        maxclients 30000
        client-output-buffer-limit pubsub 256mb 128mb 60

        """;

    private PeerProcess? _server;

    public override string Name => "redis-server";
    public override string Path => "XADD (AOF, fsync always) + PUBLISH → SUBSCRIBE";
    public override int? Pid => _server?.Pid;

    public override async Task StartAsync(CancellationToken ct)
    {
        var exe = PeerProcess.Find("redis-server");
        Version = (await PeerProcess.VersionAsync(exe, "--version", ct)).Split(' ').FirstOrDefault(w => w.StartsWith("v=", StringComparison.Ordinal))?[2..] ?? "";
        _server = await PeerProcess.StartAsync(exe, ["{DIR}/redis.conf"], new Dictionary<string, string> { ["redis.conf"] = Config }, ct);
    }

    public override async Task<Subscriber> SubscribeAsync(int index, string idPrefix, CancellationToken ct) =>
        await LineSubscriber.ConnectAsync(_server!.EndPoint, LoopbackSources.For(index), idPrefix, "SUBSCRIBE bench\r\n", "subscribe", null, ct);

    public override string Acknowledgement => "+PONG to a PING after it (replies follow the AOF fsync)";

    /// <summary>Acknowledged, each pipelined batch is followed by <c>PING</c>: Redis answers a connection's commands in
    /// order and, with <c>appendfsync always</c>, writes no reply before the AOF holding the commands is fsynced, so
    /// <c>+PONG</c> means every XADD and PUBLISH before it ran and is on disk.</summary>
    public override async Task<Publisher> OpenPublisherAsync(string idPrefix, int payload, int? inFlight, CancellationToken ct)
    {
        var sockets = await TcpPublisher.ConnectAsync(_server!.EndPoint, 1, (_, _) => Task.CompletedTask, ct);
        return TcpPublisher.Start(sockets, seq =>
        {
            var text = Text(idPrefix, seq, payload);
            return Encoding.ASCII.GetBytes(Resp("XADD", "bench", "MAXLEN", "~", "100000", "*", "t", text) + Resp("PUBLISH", "bench", text));
        }, line => line.StartsWith("-"u8), inFlight is null ? null : new AckBarrier(Encoding.ASCII.GetBytes(Resp("PING")), line => line.StartsWith("+PONG"u8)));
    }

    private static string Resp(params string[] args) =>
        $"*{args.Length}\r\n" + string.Concat(args.Select(a => $"${Encoding.UTF8.GetByteCount(a)}\r\n{a}\r\n"));

    public override async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
