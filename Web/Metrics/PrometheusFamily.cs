using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Moltnet.Web.Metrics;

/// <summary>One instrument as a Prometheus metric family: its name, HELP, TYPE and one series per label set.</summary>
internal sealed class PrometheusFamily
{
    /// <summary>OpenTelemetry's default explicit buckets, for histograms that advise none.</summary>
    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly Kind _kind;
    private readonly bool _observable;
    private readonly double[] _buckets;
    private readonly int _maxSeries;

    private PrometheusFamily(string name, string help, Kind kind, bool observable, double[] buckets, int maxSeries)
    {
        Name = name;
        Help = help;
        _kind = kind;
        _observable = observable;
        _buckets = buckets;
        _maxSeries = maxSeries;
    }

    private enum Kind
    {
        Counter,
        UpDownCounter,
        Gauge,
        Histogram,
    }

    public string Name { get; }

    public string Help { get; }

    /// <summary>The family of an instrument, or null for an instrument type this exporter does not know.</summary>
    public static PrometheusFamily? For(Instrument instrument, int maxSeries)
    {
        var definition = instrument.GetType().GetGenericTypeDefinition();
        (Kind Kind, bool Observable)? shape = definition switch
        {
            _ when definition == typeof(Counter<>) => (Kind.Counter, false),
            _ when definition == typeof(ObservableCounter<>) => (Kind.Counter, true),
            _ when definition == typeof(UpDownCounter<>) => (Kind.UpDownCounter, false),
            _ when definition == typeof(ObservableUpDownCounter<>) => (Kind.UpDownCounter, true),
            _ when definition == typeof(Gauge<>) => (Kind.Gauge, false),
            _ when definition == typeof(ObservableGauge<>) => (Kind.Gauge, true),
            _ when definition == typeof(Histogram<>) => (Kind.Histogram, false),
            _ => null,
        };
        if (shape is not { } s) return null;
        var buckets = s.Kind == Kind.Histogram ? AdvisedBuckets(instrument) ?? DefaultBuckets : [];
        return new PrometheusFamily(MetricName(instrument, s.Kind), instrument.Description ?? instrument.Name, s.Kind, s.Observable, buckets, maxSeries);
    }

    /// <summary>Observable values are replaced at every scrape: forget the previous ones first.</summary>
    public void BeginObservation()
    {
        if (!_observable) return;
        lock (_series) _series.Clear();
    }

    /// <summary>Records one measurement. Runs on every request, so it allocates nothing once its series exists: the
    /// label text is built in this thread's buffers and looked up as a span.</summary>
    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = t_labels ??= new StringBuilder(256);
        text.Clear();
        AppendLabels(text, tags);
        if (t_chars is null || t_chars.Length < text.Length) t_chars = new char[Math.Max(256, text.Length)];
        text.CopyTo(0, t_chars, 0, text.Length);
        var labels = t_chars.AsSpan(0, text.Length);
        lock (_series)
        {
            if (!_series.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(labels, out var series))
            {
                if (_series.Count >= _maxSeries) return;
                _series[labels.ToString()] = series = new Series(_buckets.Length);
            }
            switch (_kind)
            {
                case Kind.Histogram:
                    var i = 0;
                    while (i < _buckets.Length && value > _buckets[i]) i++;
                    series.Counts[i]++;
                    series.Value += value;
                    series.Count++;
                    break;
                case Kind.Counter or Kind.UpDownCounter when !_observable:
                    series.Value += value;
                    break;
                default:
                    series.Value = value; // gauges, and observable counters (which report their running total)
                    break;
            }
        }
    }

    public void Write(StringBuilder text)
    {
        text.Append("# HELP ").Append(Name).Append(' ').Append(EscapeHelp(Help)).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(' ').Append(_kind switch
        {
            Kind.Counter => "counter",
            Kind.Histogram => "histogram",
            _ => "gauge",
        }).Append('\n');
        lock (_series)
        {
            foreach (var (labels, series) in _series.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (_kind != Kind.Histogram)
                {
                    Sample(text, Name, labels, null, series.Value);
                    continue;
                }
                long cumulative = 0;
                for (var i = 0; i < _buckets.Length; i++)
                {
                    cumulative += series.Counts[i];
                    Sample(text, Name + "_bucket", labels, Number(_buckets[i]), cumulative);
                }
                Sample(text, Name + "_bucket", labels, "+Inf", series.Count);
                Sample(text, Name + "_sum", labels, null, series.Value);
                Sample(text, Name + "_count", labels, null, series.Count);
            }
        }
    }

    private static void Sample(StringBuilder text, string name, string labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            text.Append('{').Append(labels);
            if (le is not null) text.Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append('"');
            text.Append('}');
        }
        text.Append(' ').Append(Number(value)).Append('\n');
    }

    [ThreadStatic] private static StringBuilder? t_labels;
    [ThreadStatic] private static char[]? t_chars;

    /// <summary><c>k1="v1",k2="v2"</c>, sorted by key: the series key and its rendering at once.</summary>
    private static void AppendLabels(StringBuilder text, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty) return;
        // Sorted by key through an index (instruments carry a handful of tags): no copy of the tags.
        Span<int> order = tags.Length <= 32 ? stackalloc int[tags.Length] : new int[tags.Length];
        for (var i = 0; i < order.Length; i++)
        {
            var j = i;
            while (j > 0 && string.CompareOrdinal(tags[order[j - 1]].Key, tags[i].Key) > 0)
            {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        foreach (var index in order)
        {
            var (key, value) = tags[index];
            if (text.Length > 0) text.Append(',');
            text.Append(Sanitize(key)).Append("=\"");
            switch (value)
            {
                case int n:
                    text.Append(CultureInfo.InvariantCulture, $"{n}");
                    break;
                case long n:
                    text.Append(CultureInfo.InvariantCulture, $"{n}");
                    break;
                default:
                    AppendEscaped(text, value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                    break;
            }
            text.Append('"');
        }
    }

    private static void AppendEscaped(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            if (c == '\\') text.Append(@"\\");
            else if (c == '"') text.Append("\\\"");
            else if (c == '\n') text.Append(@"\n");
            else text.Append(c);
        }
    }

    private static string MetricName(Instrument instrument, Kind kind)
    {
        var name = Sanitize(instrument.Name);
        var suffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => "",
        };
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal)) name += suffix;
        if (kind == Kind.Counter && !name.EndsWith("_total", StringComparison.Ordinal)) name += "_total";
        return name;
    }

    private static double[]? AdvisedBuckets(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        _ => null,
    };

    private static readonly System.Buffers.SearchValues<char> NameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    /// <summary>Label keys already sanitised (instruments use a handful, e.g. <c>http.route</c>).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> SanitizedNames = new(StringComparer.Ordinal);

    /// <summary>Metric and label names: <c>[a-zA-Z0-9_]</c>, not starting with a digit.</summary>
    private static string Sanitize(string name)
    {
        if (name.Length > 0 && !char.IsAsciiDigit(name[0]) && !name.AsSpan().ContainsAnyExcept(NameChars)) return name;
        if (SanitizedNames.TryGetValue(name, out var known)) return known;
        var sanitized = SanitizeAll(name);
        if (SanitizedNames.Count < 1024) SanitizedNames.TryAdd(name, sanitized);
        return sanitized;
    }

    private static string SanitizeAll(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        return chars.Length > 0 && char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }

    private static string EscapeHelp(string help) => help.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    private sealed class Series(int buckets)
    {
        /// <summary>Per-bucket (non-cumulative) counts, the last one for values above every bound.</summary>
        public long[] Counts { get; } = new long[buckets + 1];

        /// <summary>The counter or gauge value, or the histogram's sum.</summary>
        public double Value { get; set; }

        public long Count { get; set; }
    }
}
