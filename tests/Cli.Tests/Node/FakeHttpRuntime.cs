using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests.Node;

/// <summary>A real HTTP endpoint standing in for a webhook or a control-loop runtime (pi): records each request
/// (authorization header and JSON body) and answers with <c>answer(body)</c> as JSON.</summary>
internal sealed class FakeHttpRuntime : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Channel<(string? Authorization, JsonNode Body)> _requests = Channel.CreateUnbounded<(string?, JsonNode)>();
    private readonly Task _loop;

    public FakeHttpRuntime(Func<JsonNode, JsonNode> answer)
    {
        var port = ServerProcess.FreePort();
        Url = $"http://127.0.0.1:{port}/hook";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
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
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = JsonNode.Parse(await reader.ReadToEndAsync())!;
                await _requests.Writer.WriteAsync((context.Request.Headers["Authorization"], body));
                var bytes = Encoding.UTF8.GetBytes(answer(body).ToJsonString());
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
    }

    public string Url { get; }

    public async Task<(string? Authorization, JsonNode Body)> NextRequestAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _requests.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
