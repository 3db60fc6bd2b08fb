using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Moltnet.Configuration;
using Moltnet.Silo.Hosting;

namespace Moltnet.Web.Tests;

/// <summary>A real Moltnet server on a loopback port, in this process, with a temp directory of its own.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, string url, string dir, CapturedLogs logs)
    {
        Logs = logs;
        _app = app;
        Url = url;
        Directory = dir;
        Client = new HttpClient { BaseAddress = new Uri(url) };
    }

    public string Url { get; }
    public CapturedLogs Logs { get; }
    public string Directory { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    public static Task<TestServer> StartAsync(MoltnetConfig? config = null, string? dir = null) => StartAsync(config, dir, null, null);

    /// <summary>Also applies <paramref name="logging"/> after the captured logs, and exports over OTLP when
    /// <paramref name="otlp"/> is given (instead of reading the process environment).</summary>
    internal static async Task<TestServer> StartAsync(MoltnetConfig? config, string? dir, Action<ILoggingBuilder>? logging, OtlpExport? otlp,
        string url = "http://127.0.0.1:0")
    {
        dir ??= System.IO.Directory.CreateTempSubdirectory("moltnet-web-").FullName;
        config ??= new MoltnetConfig
        {
            Storage = new StorageSection { Kind = StorageKinds.Memory },
            Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
        };
        var logs = new CapturedLogs();
        var app = MoltnetServer.Build(config, dir, url, l =>
        {
            l.SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
            logging?.Invoke(l);
        }, otlp);
        var urls = await MoltnetServer.StartAsync(app, CancellationToken.None);
        return new TestServer(app, urls[0], dir, logs);
    }

    /// <summary>Starts on a given URL (e.g. the port of a stopped server, to restart it on its data directory).</summary>
    public static Task<TestServer> StartAtAsync(MoltnetConfig config, string dir, string url) => StartAsync(config, dir, null, null, url);

    public HttpClient ClientWithToken(string token)
    {
        var c = new HttpClient { BaseAddress = new Uri(Url) };
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
