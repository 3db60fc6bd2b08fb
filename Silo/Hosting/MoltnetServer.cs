using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moltnet.Configuration;
using Moltnet.Grains;
using Moltnet.Grains.Domain;
using Moltnet.Web;
using Moltnet.Web.Api;
using Moltnet.Web.Http;

namespace Moltnet.Silo.Hosting;

/// <summary>Builds and runs the Moltnet server: store, grains, HTTP surface.</summary>
public static class MoltnetServer
{
    /// <summary>Builds the server. <paramref name="urlOverride"/> replaces <c>server.listen_addr</c> (tests use port 0);
    /// <paramref name="logging"/> replaces the console logging of <c>server.log_format</c>. OTLP export follows the
    /// <c>OTEL_*</c> environment variables.</summary>
    public static WebApplication Build(MoltnetConfig config, string baseDirectory, string? urlOverride = null, Action<ILoggingBuilder>? logging = null) =>
        Build(config, baseDirectory, urlOverride, logging, OtlpExport.FromEnvironment(Environment.GetEnvironmentVariable));

    /// <summary>As above, with OTLP export given explicitly (null: none) instead of read from the environment.</summary>
    internal static WebApplication Build(MoltnetConfig config, string baseDirectory, string? urlOverride, Action<ILoggingBuilder>? logging, OtlpExport? otlp)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = baseDirectory,
            // No appsettings reload: its watcher would otherwise watch the data directory, where the database changes constantly.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls(urlOverride ?? ListenAddress.ToUrl(config.Server.ListenAddr));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
            k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
            k.AddServerHeader = false;
            k.Limits.MaxConcurrentConnections =
                ConnectionHeadroom.MaxConnections(ConnectionHeadroom.SoftOpenFileLimit(), ConnectionHeadroom.OpenDescriptors());
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Logging.ClearProviders();
        if (logging is null) builder.Logging.AddMoltnetConsole(config.Server.LogFormat);
        else logging(builder.Logging);
        builder.Services.AddMoltnetTelemetry(otlp);
        builder.Services.AddMoltnetGrains(config, baseDirectory);
        builder.Services.AddSingleton(new ErrorEnvelope.Classifier(e => GrainsServices.IsStoreUnavailable(e) ? 503 : null));
        builder.Services.AddMoltnetWeb(config);
        var app = builder.Build();
        app.Services.StartMoltnetTelemetry(otlp);
        app.UseMoltnetWeb();
        return app;
    }

    /// <summary>Migrates, reconciles declared state, and starts listening. Returns the bound addresses.</summary>
    public static async Task<IReadOnlyList<string>> StartAsync(WebApplication app, CancellationToken ct)
    {
        await app.Services.GetRequiredService<NetworkBootstrap>().RunAsync(ct);
        await app.StartAsync(ct);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var config = app.Services.GetRequiredService<MoltnetConfig>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Moltnet");
        Log.Listening(log, string.Join(", ", addresses), config.Network.Id, config.Storage.Kind);
        foreach (var w in app.Services.GetServices<INetworkWarnings>().SelectMany(s => s.Current()))
            Log.Warning(log, w.Code, w.Message);
        return addresses;
    }

    /// <summary>Runs in the foreground until SIGINT/SIGTERM; in-flight requests drain before exit.</summary>
    public static async Task<int> RunAsync(MoltnetConfig config, string baseDirectory, CancellationToken ct)
    {
        await using var app = Build(config, baseDirectory);
        await StartAsync(app, ct);
        await app.WaitForShutdownAsync(ct);
        return 0;
    }
}
