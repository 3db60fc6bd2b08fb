using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Moltnet.Web.Metrics;

/// <summary>
/// Serves <c>/metrics</c>: a <see cref="MeterListener"/> over this host's <c>Moltnet.*</c> meters (those created by
/// its <see cref="IMeterFactory"/>), written in Prometheus text format 0.0.4.
/// <para>Names follow the OpenTelemetry-to-Prometheus convention: dots become underscores, unit <c>s</c> adds
/// <c>_seconds</c>, monotonic counters add <c>_total</c> (<c>moltnet.http.requests</c> →
/// <c>moltnet_http_requests_total</c>). Counters and up-down counters accumulate, gauges keep the last value,
/// histograms use the instrument's advised buckets; observable instruments are read at each scrape.</para>
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Label sets kept per family; measurements with further new label sets are ignored.</summary>
    public const int MaxSeriesPerFamily = 2000;

    private readonly IMeterFactory _meters;
    private readonly ILogger _logger;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, PrometheusFamily> _families = new();
    private readonly Lock _scrape = new();

    public PrometheusExporter(IMeterFactory meters, ILogger<PrometheusExporter> logger)
    {
        _meters = meters;
        _logger = logger;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!Owns(instrument.Meter) || PrometheusFamily.For(instrument, MaxSeriesPerFamily) is not { } family) return;
                _families[instrument] = family;
                listener.EnableMeasurementEvents(instrument, family);
            },
            MeasurementsCompleted = (instrument, _) => _families.TryRemove(instrument, out PrometheusFamily? _),
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((PrometheusFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((PrometheusFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((PrometheusFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((PrometheusFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((PrometheusFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((PrometheusFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((PrometheusFamily)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and renders every family, sorted by name.</summary>
    public string Scrape()
    {
        lock (_scrape)
        {
            var families = _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            foreach (var f in families) f.BeginObservation();
            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (AggregateException e)
            {
                Log.MetricsObservationFailed(_logger, e);
            }
            var text = new StringBuilder(4096);
            foreach (var f in families) f.Write(text);
            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private bool Owns(Meter meter) => ReferenceEquals(meter.Scope, _meters) && meter.Name.StartsWith("Moltnet.", StringComparison.Ordinal);
}
