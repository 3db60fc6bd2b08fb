using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Moltnet.Cli.Tests.Node;

/// <summary>A real HTTP endpoint standing in for a webhook or a control-loop runtime (pi): records each request
/// (authorization header and JSON body) and answers with <c>answer(body)</c> as JSON.</summary>
internal sealed class FakeHttpRuntime : IAsyncDisposable
{
    private readonly Channel<(string? Authorization, JsonNode Body)> _requests = Channel.CreateUnbounded<(string?, JsonNode)>();
    private readonly LoopbackHttpServer _server;

    public FakeHttpRuntime(Func<JsonNode, JsonNode> answer)
    {
        _server = new LoopbackHttpServer(async context =>
        {
            var body = JsonNode.Parse(await LoopbackHttpServer.ReadBodyAsync(context.Request))!;
            await _requests.Writer.WriteAsync((context.Request.Headers["Authorization"], body));
            await LoopbackHttpServer.ReplyJsonAsync(context.Response, answer(body));
        });
        Url = _server.Origin + "/hook";
    }

    public string Url { get; }

    public async Task<(string? Authorization, JsonNode Body)> NextRequestAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _requests.Reader.ReadAsync(cts.Token);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
