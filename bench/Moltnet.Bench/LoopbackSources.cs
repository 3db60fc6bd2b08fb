using System.Net;
using System.Net.Sockets;

namespace Moltnet.Bench;

/// <summary>Spreads many client connections over source addresses 127.0.0.1–127.0.0.8 (all of 127/8 is loopback on
/// Linux), so 10,000+ connections to one server port never run out of ephemeral ports, TIME_WAIT included.</summary>
internal static class LoopbackSources
{
    public const int Count = 8;

    public static IPAddress For(int index) => new([127, 0, 0, (byte)(1 + (index % Count))]);

    /// <summary>A TCP connection from source address <paramref name="source"/> to <paramref name="target"/>, Nagle off.</summary>
    public static async Task<Socket> ConnectAsync(IPAddress source, EndPoint target, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(target, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP/1.1 client whose connections all come from <paramref name="source"/>.</summary>
    public static HttpClient Client(string url, IPAddress source, int connections, TimeSpan timeout) =>
        new(Handler(source, connections))
        {
            BaseAddress = new Uri(url),
            Timeout = timeout,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

    public static SocketsHttpHandler Handler(IPAddress source, int connections) => new()
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectCallback = async (context, ct) =>
            new NetworkStream(await ConnectAsync(source, context.DnsEndPoint, ct), ownsSocket: true),
    };

    /// <summary>One client per source address, each allowed <paramref name="connectionsEach"/> connections.</summary>
    public static HttpClient[] Clients(string url, int connectionsEach, TimeSpan timeout) =>
        Enumerable.Range(0, Count).Select(i => Client(url, For(i), connectionsEach, timeout)).ToArray();
}
