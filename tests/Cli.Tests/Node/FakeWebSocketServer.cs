using System.Collections.Specialized;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Moltnet.Cli.Tests.Node;

/// <summary>One accepted WebSocket connection of <see cref="FakeWebSocketServer"/>, with the upgrade request's details.</summary>
internal sealed class FakeWsConnection(WebSocket socket, NameValueCollection query, string? authorization, string? subProtocol)
{
    public NameValueCollection Query { get; } = query;
    public string? Authorization { get; } = authorization;
    public string? SubProtocol { get; } = subProtocol;

    public Task SendAsync(JsonNode frame) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next text frame as JSON, or null when the client closed.</summary>
    public async Task<JsonObject?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return (JsonObject)JsonNode.Parse(message.ToArray())!;
        }
    }
}

/// <summary>A real WebSocket server (HttpListener on a loopback port) standing in for a runtime gateway: each connection
/// is handed to <c>handle</c>; failures in it are kept and rethrown by <see cref="DisposeAsync"/>.</summary>
internal sealed class FakeWebSocketServer : IAsyncDisposable
{
    private readonly List<Task> _connections = [];
    private readonly LoopbackHttpServer _server;

    public FakeWebSocketServer(Func<FakeWsConnection, Task> handle, Func<HttpListenerRequest, string?>? subProtocol = null)
    {
        _server = new LoopbackHttpServer(context =>
        {
            if (!context.Request.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                context.Response.Close();
                return Task.CompletedTask;
            }
            var protocol = subProtocol?.Invoke(context.Request);
            var request = context.Request;
            lock (_connections)
                _connections.Add(Task.Run(async () =>
                {
                    var ws = await context.AcceptWebSocketAsync(protocol);
                    using var socket = ws.WebSocket;
                    await handle(new FakeWsConnection(socket, request.QueryString, request.Headers["Authorization"], socket.SubProtocol));
                    if (socket.State == WebSocketState.Open)
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                }));
            return Task.CompletedTask;
        });
        Url = $"ws://127.0.0.1:{_server.Port}/";
    }

    public string Url { get; }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Task[] all;
        lock (_connections) all = [.. _connections];
        await Task.WhenAll(all.Select(t => t.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default)));
    }
}
