using Moltnet.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.Web.Tests.Observability;

/// <summary><c>GET /metrics</c> against a real in-process server after known traffic.</summary>
public sealed class MetricsEndpointTests
{
    private static readonly string[] Families =
    [
        "moltnet_http_requests_total", "moltnet_http_request_duration_seconds", "moltnet_active_attachments",
        "moltnet_active_sse_subscribers", "moltnet_store_health", "moltnet_relay_total", "moltnet_events_dropped_total",
        "moltnet_event_subscriber_lag_total", "moltnet_grain_activations_total", "moltnet_grain_active",
        "moltnet_messages_accepted_total", "moltnet_event_log_cursor", "moltnet_store_commit_batch_size", "moltnet_remote_exec_total",
    ];

    private static readonly string[] DurationBounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];

    [Fact]
    public async Task Counters_and_gauges_match_the_traffic_exactly()
    {
        await using var s = await TestServer.StartAsync();
        var c = s.Client;
        await using var sse = await SseClient.ConnectAsync(c);
        Assert.Equal("stream-open", (await sse.NextFrameAsync()).Comment);
        for (var i = 0; i < 3; i++) Assert.Equal(201, (int)(await c.Post("/v1/rooms", $$"""{"id":"r{{i}}","members":["a"]}""")).Status);
        for (var i = 0; i < 2; i++) Assert.Equal(404, (int)(await c.Get("/nope")).Status);
        for (var i = 0; i < 5; i++)
        {
            var sent = await c.Post("/v1/messages", $$"""{"target":{"kind":"room","room_id":"r0"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"m{{i}}"}]}""");
            Assert.Equal(202, (int)sent.Status);
        }
        await sse.CollectAsync(8); // 3 room.created + 5 message.created reached the subscriber

        var res = await c.GetAsync("/metrics");
        Assert.Equal(200, (int)res.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", res.Content.Headers.ContentType!.ToString());
        var m = PrometheusScrape.Parse(await res.Content.ReadAsStringAsync());

        Assert.Equal(3, m.Value("moltnet_http_requests_total", ("method", "POST"), ("route", "POST /v1/rooms"), ("status", "201")));
        Assert.Equal(2, m.Value("moltnet_http_requests_total", ("method", "GET"), ("route", "/nope"), ("status", "404")));
        Assert.Equal(5, m.Value("moltnet_http_requests_total", ("method", "POST"), ("route", "POST /v1/messages"), ("status", "202")));
        // Nothing else yet: the stream is still open and this scrape is still running.
        Assert.Equal(10, m.Samples.Where(x => x.Name == "moltnet_http_requests_total").Sum(x => x.Value));
        Assert.Equal(5, m.Value("moltnet_messages_accepted_total"));
        Assert.Equal(1, m.Value("moltnet_active_sse_subscribers"));
        Assert.Equal(0, m.Value("moltnet_active_attachments"));
        Assert.Equal(1, m.Value("moltnet_store_health"));
        Assert.Equal(8, m.Value("moltnet_event_log_cursor"));
        Assert.Equal(0, m.Value("moltnet_events_dropped_total"));
        Assert.Equal(0, m.Value("moltnet_event_subscriber_lag_total"));
        foreach (var result in new[] { "success", "error", "dropped" }) Assert.Equal(0, m.Value("moltnet_relay_total", ("result", result)));
        foreach (var result in new[] { "success", "error" }) Assert.Equal(0, m.Value("moltnet_remote_exec_total", ("result", result)));
        var activations = m.Value("moltnet_grain_activations_total");
        Assert.True(activations >= 4, $"3 rooms and a conversation at least, got {activations}"); // the network grain may add one
        Assert.InRange(m.Value("moltnet_grain_active"), 1, activations);

        // The spec's label sets and types.
        Assert.Equal("counter", m.Types["moltnet_http_requests_total"]);
        Assert.Equal("histogram", m.Types["moltnet_http_request_duration_seconds"]);
        Assert.Equal("gauge", m.Types["moltnet_active_sse_subscribers"]);
        Assert.Equal("gauge", m.Types["moltnet_store_health"]);
        Assert.Equal("counter", m.Types["moltnet_relay_total"]);
        Assert.Equal("counter", m.Types["moltnet_events_dropped_total"]);
        Assert.Equal("histogram", m.Types["moltnet_store_commit_batch_size"]);
        AssertEveryFamilyDescribed(m);

        // A second scrape counts the first one.
        var again = PrometheusScrape.Parse(await c.GetStringAsync("/metrics"));
        Assert.Equal(1, again.Value("moltnet_http_requests_total", ("method", "GET"), ("route", "GET /metrics"), ("status", "200")));
    }

    [Fact]
    public async Task Duration_histogram_buckets_are_cumulative_and_end_at_the_count()
    {
        await using var s = await TestServer.StartAsync();
        for (var i = 0; i < 3; i++) await s.Client.Post("/v1/rooms", $$"""{"id":"h{{i}}"}""");
        await s.Client.Get("/v1/rooms/h0");
        var m = PrometheusScrape.Parse(await s.Client.GetStringAsync("/metrics"));

        (string, string)[] rooms = [("method", "POST"), ("route", "POST /v1/rooms")];
        AssertHistogram(m, "moltnet_http_request_duration_seconds", rooms, DurationBounds, expectedCount: 3);
        AssertHistogram(m, "moltnet_http_request_duration_seconds", [("method", "GET"), ("route", "GET /v1/rooms/{roomId}")], DurationBounds, expectedCount: 1);
        Assert.InRange(m.Value("moltnet_http_request_duration_seconds_sum", rooms), 0, 30);
    }

    [Fact]
    public async Task Sqlite_group_commits_are_measured()
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("moltnet-metrics-").FullName;
        await using var s = await TestServer.StartAsync(new MoltnetConfig
        {
            Storage = new StorageSection { Kind = StorageKinds.Sqlite, Sqlite = new SqliteSection { Path = Path.Combine(dir, "m.db") } },
        }, dir);
        for (var i = 0; i < 4; i++) await s.Client.Post("/v1/rooms", $$"""{"id":"r{{i}}","members":["a"]}""");
        var before = PrometheusScrape.Parse(await s.Client.GetStringAsync("/metrics"));
        // Four conversations posting at once: their writes meet in the writer's queue and may share a transaction.
        var posts = Enumerable.Range(0, 20).Select(i => s.Client.Post("/v1/messages",
            $$"""{"target":{"kind":"room","room_id":"r{{i % 4}}"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"{{i}}"}]}"""));
        Assert.All(await Task.WhenAll(posts), r => Assert.Equal(202, (int)r.Status));
        var m = PrometheusScrape.Parse(await s.Client.GetStringAsync("/metrics"));

        string[] bounds = ["1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "+Inf"];
        var count = m.Value("moltnet_store_commit_batch_size_count");
        AssertHistogram(m, "moltnet_store_commit_batch_size", [], bounds, expectedCount: (long)count);
        var commits = count - before.Value("moltnet_store_commit_batch_size_count");
        var requests = m.Value("moltnet_store_commit_batch_size_sum") - before.Value("moltnet_store_commit_batch_size_sum");
        Assert.True(requests >= 20, $"the 20 message writes were committed, got {requests} requests");
        Assert.InRange(commits, 1, requests);
        Assert.Equal(20, m.Value("moltnet_messages_accepted_total"));
    }

    [Fact]
    public async Task Metrics_need_the_admin_scope_when_auth_is_on()
    {
        await using var s = await TestServer.StartAsync(new MoltnetConfig
        {
            Storage = new StorageSection { Kind = StorageKinds.Memory },
            Auth = new AuthSection
            {
                Mode = AuthModes.Bearer,
                Tokens =
                [
                    new TokenConfig { Id = "ops", Value = "admin-secret", Scopes = [Scopes.Admin] },
                    new TokenConfig { Id = "reader", Value = "read-secret", Scopes = [Scopes.Observe, Scopes.Write] },
                ],
            },
        });
        (await s.Client.Get("/metrics")).AssertError(401, "unauthorized");
        (await s.ClientWithToken("read-secret").Get("/metrics")).AssertError(403, "forbidden");
        (await s.ClientWithToken("wrong").Get("/metrics")).AssertError(401, "unauthorized");
        var admin = await s.ClientWithToken("admin-secret").GetAsync("/metrics");
        Assert.Equal(200, (int)admin.StatusCode);
        var m = PrometheusScrape.Parse(await admin.Content.ReadAsStringAsync());
        Assert.Equal(2, m.Value("moltnet_http_requests_total", ("method", "GET"), ("route", "GET /metrics"), ("status", "401")));
        Assert.Equal(1, m.Value("moltnet_http_requests_total", ("method", "GET"), ("route", "GET /metrics"), ("status", "403")));
        AssertEveryFamilyDescribed(m);
    }

    [Fact]
    public async Task Each_server_counts_only_its_own_traffic()
    {
        await using var a = await TestServer.StartAsync();
        await using var b = await TestServer.StartAsync();
        await a.Client.Post("/v1/rooms", """{"id":"only-a"}""");
        var m = PrometheusScrape.Parse(await b.Client.GetStringAsync("/metrics"));
        Assert.Empty(m.Find("moltnet_http_requests_total", ("method", "POST"), ("route", "POST /v1/rooms"), ("status", "201")));
        Assert.Equal(0, m.Value("moltnet_event_log_cursor"));
    }

    /// <summary>Every family has HELP and TYPE, every sample belongs to a described family, and all ours are there.</summary>
    private static void AssertEveryFamilyDescribed(PrometheusScrape m)
    {
        foreach (var family in Families)
        {
            Assert.True(m.Help.ContainsKey(family), $"no HELP for {family}");
            Assert.True(m.Types.ContainsKey(family), $"no TYPE for {family}");
        }
        Assert.Equal(m.Help.Keys.Order(), m.Types.Keys.Order());
        Assert.All(m.Samples, x => Assert.True(m.Types.ContainsKey(m.FamilyOf(x)), $"{x.Name} has no TYPE"));
    }

    private static void AssertHistogram(PrometheusScrape m, string name, (string, string)[] labels, string[] bounds, long expectedCount)
    {
        var buckets = bounds.Select(le => m.Value(name + "_bucket", [.. labels, ("le", le)])).ToList();
        for (var i = 1; i < buckets.Count; i++) Assert.True(buckets[i] >= buckets[i - 1], $"bucket le={bounds[i]} is below le={bounds[i - 1]}");
        var series = m.Samples.Where(x => x.Name == name + "_bucket" && x.Labels.Count == labels.Length + 1
            && labels.All(l => x.Labels.GetValueOrDefault(l.Item1) == l.Item2));
        Assert.Equal(bounds, series.Select(x => x.Labels["le"]).ToArray()); // every bucket, in order, and no other
        Assert.Equal(expectedCount, m.Value(name + "_count", labels));
        Assert.Equal(expectedCount, buckets[^1]);
    }
}
