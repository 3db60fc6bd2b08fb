using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests.Node;

/// <summary>A real HTTP server (HttpListener on a free loopback port) that hands each request to <c>handle</c>, one at a
/// time, until disposed: the transport under the fake runtimes of these tests (webhook, control loop, TinyClaw, WebSocket
/// gateways).</summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle)
    {
        Port = ServerProcess.FreePort();
        Origin = $"http://127.0.0.1:{Port}";
        _listener.Prefixes.Add(Origin + "/");
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                try
                {
                    await handle(context);
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException && !_listener.IsListening)
                {
                    return; // disposed while a request was being answered (one the test no longer waits for)
                }
            }
        });
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>, no trailing slash.</summary>
    public string Origin { get; }

    public static async Task<string> ReadBodyAsync(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Answers with <paramref name="answer"/> as JSON (status as already set, 200 by default) and closes.</summary>
    public static async Task ReplyJsonAsync(HttpListenerResponse response, JsonNode answer)
    {
        response.ContentType = "application/json";
        await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(answer.ToJsonString()));
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
