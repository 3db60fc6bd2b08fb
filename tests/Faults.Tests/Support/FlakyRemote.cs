using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Moltnet.Faults.Tests.Support;

/// <summary>How <see cref="FlakyRemote"/> answers <c>POST /v1/messages</c>.</summary>
public enum RemoteFault
{
    /// <summary>202 with a JSON body: the message is taken.</summary>
    None,
    /// <summary>503 with an HTML body (a proxy's error page).</summary>
    ServerError,
    /// <summary>Reads the request and never answers; waits until the client gives up and closes.</summary>
    Hang,
    /// <summary>Bytes that are not an HTTP response, then close.</summary>
    NotHttp,
    /// <summary>202 headers announcing 64 bytes of body, 10 bytes of it, then a TCP reset.</summary>
    ResetMidBody,
    /// <summary>202 with a body that is not JSON: the message is taken (the status says so).</summary>
    GarbageBody,
}

/// <summary>A paired network played by a raw <see cref="TcpListener"/> on loopback (HTTP/1.1, one request per connection),
/// so that a test can make the relay's <c>POST /v1/messages</c> fail in ways a real server would not: see
/// <see cref="RemoteFault"/>. <c>GET /v1/network</c> always answers a compatible network document for id <c>fake</c>.</summary>
public sealed class FlakyRemote : IAsyncDisposable
{
    public const string NetworkId = "fake";
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private readonly Task _accepting;
    private volatile RemoteFault _fault;

    private FlakyRemote()
    {
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    public static FlakyRemote Start() => new();

    public string Url { get; }

    public RemoteFault Fault
    {
        get => _fault;
        set => _fault = value;
    }

    /// <summary>Every <c>POST /v1/messages</c> received: the message id and the fault it was answered with.</summary>
    public ConcurrentQueue<(string MessageId, RemoteFault Fault)> Posts { get; } = new();

    /// <summary>Message ids answered with a complete 2xx, in the order they were taken.</summary>
    public ConcurrentQueue<string> Taken { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var serving = Task.Run(() => ServeAsync(client));
            _connections[serving] = true;
            _ = serving.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var (method, path, body) = await ReadRequestAsync(stream, _stop.Token);
            if (method == "GET" && path == "/v1/network")
            {
                await RespondAsync(stream, "200 OK", "application/json", Network);
                return;
            }
            if (method != "POST" || path != "/v1/messages")
            {
                await RespondAsync(stream, "404 Not Found", "application/json", """{"error":"not found","code":"not_found"}""");
                return;
            }
            var id = (string)JsonNode.Parse(body)!["id"]!;
            var fault = Fault;
            Posts.Enqueue((id, fault));
            switch (fault)
            {
                case RemoteFault.None:
                    Taken.Enqueue(id);
                    await RespondAsync(stream, "202 Accepted", "application/json", """{"accepted":true}""");
                    break;
                case RemoteFault.GarbageBody:
                    Taken.Enqueue(id);
                    await RespondAsync(stream, "202 Accepted", "application/json", "\u00ff<html>not json at all");
                    break;
                case RemoteFault.ServerError:
                    await RespondAsync(stream, "503 Service Unavailable", "text/html", "<html><body>upstream down</body></html>");
                    break;
                case RemoteFault.Hang:
                    // Until the client times out and closes its end (a read of 0 bytes) or the remote stops.
                    while (await stream.ReadAsync(new byte[256], _stop.Token) > 0)
                    {
                    }
                    break;
                case RemoteFault.NotHttp:
                    await stream.WriteAsync("\u0016\u0003garbage, not HTTP at all\r\n\r\n"u8.ToArray(), _stop.Token);
                    break;
                case RemoteFault.ResetMidBody:
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(
                        "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 64\r\nConnection: close\r\n\r\n{\"accepte"), _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                    client.Client.LingerState = new LingerOption(true, 0); // close with RST, not FIN
                    client.Client.Close();
                    break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away (or the remote is stopping).
        }
    }

    private static async Task<(string Method, string Path, string Body)> ReadRequestAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one, ct) == 0) throw new IOException("closed before the request head ended");
            head.Add(one[0]);
            if (head.Count > 64 * 1024) throw new IOException("request head too large");
        }
        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n");
        var start = lines[0].Split(' ');
        var length = lines.Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, ct);
        return (start[0], start[1].Split('?')[0], Encoding.UTF8.GetString(body));
    }

    private Task RespondAsync(NetworkStream stream, string status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
        byte[] response = [.. head, .. bytes];
        return stream.WriteAsync(response, _stop.Token).AsTask();
    }

    private const string Network =
        """{"id":"fake","name":"Fake","version":"9.9.9","protocols":{"http":["moltnet.http.v1"],"attach":["moltnet.attach.v1"],"pair":["moltnet.pair.v1"]},"capabilities":{"event_stream":"sse","attachment_protocol":"websocket","public_read":true,"agent_registration":"disabled","human_ingress":true,"direct_messages":true,"message_pagination":"cursor","pairings":true},"console":{"can_send_human":false}}""";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_connections.Keys);
        _stop.Dispose();
    }
}
