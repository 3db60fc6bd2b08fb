using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Moltnet.Web.Metrics;

namespace Moltnet.Web.Tests.Observability;

/// <summary>The <c>/metrics</c> exporter on its own: naming, escaping, aggregation, and which meters it reads.</summary>
public sealed class PrometheusExporterTests
{
    [Fact]
    public void Instruments_become_families_with_escaped_labels()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var exporter = new PrometheusExporter(factory, NullLogger<PrometheusExporter>.Instance);
        var meter = factory.Create("Moltnet.Test");
        var counter = meter.CreateCounter<long>("moltnet.test.things", "{thing}", "Things.\nSecond line \\ here.");
        var seconds = meter.CreateHistogram("moltnet.test.wait", "s", "Waits.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        var level = meter.CreateUpDownCounter<int>("moltnet.test.level", null, "Level.");
        counter.Add(2, new KeyValuePair<string, object?>("path", "a\"b\\c\nd"), new KeyValuePair<string, object?>("http.kind", 7));
        counter.Add(3, new KeyValuePair<string, object?>("http.kind", 7), new KeyValuePair<string, object?>("path", "a\"b\\c\nd"));
        seconds.Record(0.1);
        seconds.Record(0.5);
        seconds.Record(30);
        level.Add(5);
        level.Add(-2);
        // Another factory's meter (another host) and a non-Moltnet meter are not read.
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        other.GetRequiredService<IMeterFactory>().Create("Moltnet.Test").CreateCounter<long>("moltnet.test.things").Add(100);
        factory.Create("System.Other").CreateCounter<long>("other.things").Add(1);

        var text = exporter.Scrape();
        var m = PrometheusScrape.Parse(text);

        Assert.Contains("# HELP moltnet_test_things_total Things.\\nSecond line \\\\ here.\n", text, StringComparison.Ordinal);
        Assert.Contains("moltnet_test_things_total{http_kind=\"7\",path=\"a\\\"b\\\\c\\nd\"} 5\n", text, StringComparison.Ordinal);
        Assert.Equal(5, m.Value("moltnet_test_things_total", ("http_kind", "7"), ("path", "a\"b\\c\nd")));
        Assert.Equal("counter", m.Types["moltnet_test_things_total"]);
        Assert.Equal("histogram", m.Types["moltnet_test_wait_seconds"]);
        Assert.Equal(1, m.Value("moltnet_test_wait_seconds_bucket", ("le", "0.1"))); // le is inclusive
        Assert.Equal(2, m.Value("moltnet_test_wait_seconds_bucket", ("le", "1")));
        Assert.Equal(3, m.Value("moltnet_test_wait_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(3, m.Value("moltnet_test_wait_seconds_count"));
        Assert.Equal(30.6, m.Value("moltnet_test_wait_seconds_sum"), 9);
        Assert.Equal("gauge", m.Types["moltnet_test_level"]);
        Assert.Equal(3, m.Value("moltnet_test_level"));
        Assert.DoesNotContain("other_things", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Observable_values_are_read_at_each_scrape()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var exporter = new PrometheusExporter(factory, NullLogger<PrometheusExporter>.Instance);
        var meter = factory.Create("Moltnet.Test");
        long total = 4;
        var results = new List<string> { "ok" };
        meter.CreateObservableCounter("moltnet.test.seen", () => total);
        meter.CreateObservableGauge("moltnet.test.by_result", () => results.Select(r => new Measurement<long>(1, new KeyValuePair<string, object?>("result", r))));

        var first = PrometheusScrape.Parse(exporter.Scrape());
        total = 9;
        results = ["failed"];
        var second = PrometheusScrape.Parse(exporter.Scrape());

        Assert.Equal(4, first.Value("moltnet_test_seen_total"));
        Assert.Equal(9, second.Value("moltnet_test_seen_total"));
        Assert.Equal(1, first.Value("moltnet_test_by_result", ("result", "ok")));
        Assert.Empty(second.Find("moltnet_test_by_result", ("result", "ok"))); // a label set no longer observed disappears
        Assert.Equal(1, second.Value("moltnet_test_by_result", ("result", "failed")));
    }
}
