using Microsoft.Extensions.DependencyInjection;
using Moltnet.Web.Api;
using Moltnet.Web.Attach;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;

namespace Moltnet.Web;

/// <summary>Registers and maps the HTTP surface.</summary>
public static class WebServices
{
    public static IServiceCollection AddMoltnetWeb(this IServiceCollection services, Configuration.MoltnetConfig config)
    {
        services.AddSingleton<OriginPolicy>();
        services.AddMoltnetRateLimits(config.Limits);
        services.AddSingleton<StaticTokens>();
        services.AddSingleton<NetworkDescriber>();
        services.AddSingleton<Assets.ConsoleAssets>();
        services.AddSingleton<INetworkWarnings, ExposureWarnings>();
        services.AddSingleton<IAsyncNetworkWarnings, PairingWarnings>();
        services.AddSingleton<Streaming.StreamLimiter>();
        services.AddSingleton<Streaming.EventVisibility>();
        services.AddMetrics();
        services.AddSingleton<Telemetry>();
        services.AddSingleton<Metrics.PrometheusExporter>();
        services.AddMoltnetAttachments();
        services.AddSingleton<Cluster.IConnectionCounts, Api.WebConnectionCounts>();
        Nodes.NodesApi.AddMoltnetNodes(services);
        return services;
    }

    public static WebApplication UseMoltnetWeb(this WebApplication app)
    {
        app.UseRequestIds();
        app.UseRequestTelemetry();
        app.UseErrorEnvelope();
        app.UseConsoleBootstrap();
        app.UseRouting();
        app.Use((http, next) => http.GetEndpoint() is null
            ? ErrorEnvelope.WriteAsync(http, 404, $"no route for {http.Request.Method} {http.Request.Path}")
            : next(http));
        app.UseMoltnetAuthentication();
        app.UseRateLimiter();
        app.UseWebSockets();
        app.MapHealth();
        app.MapNetwork();
        app.MapRooms();
        app.MapAgents();
        app.MapMessages();
        app.MapPairings();
        app.MapHistory();
        app.MapEvents();
        app.MapMetrics();
        app.MapCluster();
        app.MapAttach();
        Nodes.NodesApi.MapNodes(app);
        var registry = app.Services.GetRequiredService<Attach.AttachmentRegistry>();
        app.Services.GetRequiredService<Telemetry>().ObserveActiveAttachments(() => registry.Count);

        app.MapDiscovery();
        app.MapConsole();
        return app;
    }
}
