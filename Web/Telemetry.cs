using System.Diagnostics;
using System.Diagnostics.Metrics;
using Moltnet.Web.Streaming;

namespace Moltnet.Web;

/// <summary>
/// The web layer's <see cref="ActivitySource"/> and <see cref="Meter"/> (design §7, docs/observability.md).
/// <para>Spans: ASP.NET Core's own request span (renamed to its route, e.g. <c>POST /v1/messages</c>) and
/// <c>sse.deliver</c>, one per event an SSE stream writes: a child of the stream's request, linked to the span that
/// published the event.</para>
/// <para>The meter comes from the host's <see cref="IMeterFactory"/>, so each host has its own instruments.</para>
/// </summary>
public sealed class Telemetry
{
    public const string Name = "Moltnet.Web";

    public static readonly ActivitySource Source = new(Name, typeof(Telemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>Buckets of <c>moltnet.http.request.duration</c>, in seconds (spec §8).</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private Func<long> _attachments = static () => 0;

    public Telemetry(IMeterFactory meters, StreamLimiter streams)
    {
        Meter = meters.Create(Name, Source.Version);
        _requests = Meter.CreateCounter<long>("moltnet.http.requests", "{request}",
            "HTTP requests answered, by method, route (matched pattern, else raw path) and status.");
        _duration = Meter.CreateHistogram("moltnet.http.request.duration", "s",
            "HTTP request duration, by method and route.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        Meter.CreateObservableUpDownCounter("moltnet.active_sse_subscribers", () => (long)streams.Active, "{stream}",
            "Open SSE event streams.");
        Meter.CreateObservableUpDownCounter("moltnet.active_attachments", () => _attachments(), "{attachment}",
            "Connected native attachments (WebSocket /v1/attach).");
    }

    public Meter Meter { get; }

    /// <summary>Where <c>moltnet_active_attachments</c> reads from; the attachment gateway sets it (0 until then).</summary>
    public void ObserveActiveAttachments(Func<long> source) => _attachments = source;

    internal void RecordRequest(string method, string route, int status, TimeSpan elapsed)
    {
        var methodTag = new KeyValuePair<string, object?>("method", method);
        var routeTag = new KeyValuePair<string, object?>("route", route);
        _requests.Add(1, methodTag, routeTag, new KeyValuePair<string, object?>("status", status));
        _duration.Record(elapsed.TotalSeconds, methodTag, routeTag);
    }

    /// <summary>An <c>sse.deliver</c> span for one event written to a stream, linked to the span that published it.</summary>
    internal static Activity? StartDelivery(LoggedEvent e)
    {
        if (!Source.HasListeners()) return null;
        var published = EventTrace.Find(e.Event);
        ActivityLink[]? links = published == default ? null : [new ActivityLink(published)];
        return Source.StartActivity("sse.deliver", ActivityKind.Consumer, default(ActivityContext), links: links)
            ?.SetTag("moltnet.event_id", e.Id)
            .SetTag("moltnet.event_type", e.Type);
    }
}
