using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using GrainsTelemetry = Moltnet.Grains.Telemetry;
using WebTelemetry = Moltnet.Web.Telemetry;

namespace Moltnet.Silo.Hosting;

/// <summary>
/// Where traces and metrics go over OTLP. <see cref="FromEnvironment"/> turns export on when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; the exporter then reads the standard <c>OTEL_EXPORTER_OTLP_*</c>
/// variables itself (protocol <c>grpc</c> or <c>http/protobuf</c>, headers, timeout, per-signal endpoints).
/// </summary>
internal sealed record OtlpExport
{
    public const string DefaultServiceName = "moltnet";

    /// <summary>Base endpoint set in code (tests); null leaves endpoint and protocol to the <c>OTEL_*</c> variables.
    /// With <c>http/protobuf</c> the signal paths <c>v1/traces</c> and <c>v1/metrics</c> are appended, as the exporter
    /// does for the environment variable.</summary>
    public Uri? Endpoint { get; init; }

    public OtlpExportProtocol Protocol { get; init; } = OtlpExportProtocol.HttpProtobuf;

    public string ServiceName { get; init; } = DefaultServiceName;

    /// <summary>Export settings from the environment, or null when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is unset or
    /// <c>OTEL_SDK_DISABLED=true</c>. <c>service.name</c> is <c>moltnet</c> unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public static OtlpExport? FromEnvironment(Func<string, string?> env)
    {
        if (string.IsNullOrWhiteSpace(env("OTEL_EXPORTER_OTLP_ENDPOINT"))) return null;
        if (string.Equals(env("OTEL_SDK_DISABLED")?.Trim(), "true", StringComparison.OrdinalIgnoreCase)) return null;
        var name = env("OTEL_SERVICE_NAME");
        return new OtlpExport { ServiceName = string.IsNullOrWhiteSpace(name) ? DefaultServiceName : name.Trim() };
    }

    internal void Configure(OtlpExporterOptions options, string signalPath)
    {
        if (Endpoint is null) return;
        options.Protocol = Protocol;
        options.Endpoint = Protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : Endpoint;
    }
}

/// <summary>The OpenTelemetry providers of one host: ASP.NET Core's request spans and meters plus ours, exported over
/// OTLP. Owned by the host's container, so they flush and stop when the host is disposed.</summary>
internal sealed class TelemetryProviders : IDisposable
{
    /// <summary>ASP.NET Core's request spans come from this source.</summary>
    public const string AspNetCoreSource = "Microsoft.AspNetCore";

    public static readonly string[] AspNetCoreMeters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing"];

    private readonly TracerProvider _tracer;
    private readonly MeterProvider _meter;

    public TelemetryProviders(OtlpExport export)
    {
        var version = typeof(TelemetryProviders).Assembly.GetName().Version?.ToString(3);
        var resource = ResourceBuilder.CreateDefault().AddService(export.ServiceName, serviceVersion: version);
        _tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(AspNetCoreSource, WebTelemetry.Name, GrainsTelemetry.Name)
            .AddOtlpExporter(o => export.Configure(o, "v1/traces"))
            .Build();
        _meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter([.. AspNetCoreMeters, WebTelemetry.Name, GrainsTelemetry.Name])
            .AddOtlpExporter(o => export.Configure(o, "v1/metrics"))
            .Build();
    }

    /// <summary>Exports what is buffered now (tests; shutdown does this anyway).</summary>
    public void ForceFlush()
    {
        _tracer.ForceFlush();
        _meter.ForceFlush();
    }

    public void Dispose()
    {
        _tracer.Dispose();
        _meter.Dispose();
    }
}

internal static class TelemetrySetup
{
    /// <summary>Registers OTLP export when <paramref name="export"/> is given.</summary>
    public static IServiceCollection AddMoltnetTelemetry(this IServiceCollection services, OtlpExport? export)
    {
        if (export is not null) services.AddSingleton(_ => new TelemetryProviders(export));
        return services;
    }

    /// <summary>Creates the providers, the <c>/metrics</c> collector and both projects' instruments before the host
    /// serves, so nothing recorded from the first request on is missed.</summary>
    public static void StartMoltnetTelemetry(this IServiceProvider services, OtlpExport? export)
    {
        if (export is not null)
        {
            services.GetRequiredService<TelemetryProviders>();
            var endpoint = export.Endpoint?.ToString() ?? Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") ?? "";
            Log.OtlpExport(services.GetRequiredService<ILoggerFactory>().CreateLogger("Moltnet"), WithoutUserInfo(endpoint), export.ServiceName);
        }
        services.GetRequiredService<Web.Metrics.PrometheusExporter>();
        services.GetRequiredService<WebTelemetry>();
        services.GetRequiredService<GrainsTelemetry>();
    }

    /// <summary>The endpoint as logged: any <c>user:password@</c> dropped.</summary>
    private static string WithoutUserInfo(string endpoint) =>
        Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString()
            : endpoint;
}
