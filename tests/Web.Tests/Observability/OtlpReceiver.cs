using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Moltnet.Web.Tests.Observability;

/// <summary>A minimal OTLP/HTTP collector on a loopback port: decodes trace exports, keeps metric exports as bytes.</summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public ConcurrentQueue<OtlpSpan> Spans { get; } = new();

    public ConcurrentQueue<byte[]> MetricExports { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        OtlpReceiver? self = null;
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            Assert.Equal("application/x-protobuf", request.ContentType);
            foreach (var span in OtlpProtobuf.ReadTraces(await Body(request))) self!.Spans.Enqueue(span);
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            self!.MetricExports.Enqueue(await Body(request));
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        self = new OtlpReceiver(app, app.Urls.First());
        return self;
    }

    private static async Task<byte[]> Body(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
