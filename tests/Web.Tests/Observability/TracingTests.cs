using System.Diagnostics;
using System.Text;
using Moltnet.Configuration;
using Moltnet.Silo.Hosting;
using Moltnet.TestSupport;
using OpenTelemetry.Exporter;

namespace Moltnet.Web.Tests.Observability;

/// <summary>Spans of one message, exported over OTLP/HTTP to a collector inside the test. Spans are picked out by trace
/// id; the class runs alone so that other servers' requests (same activity source names) cannot crowd the exporter's
/// queue.</summary>
[Collection(nameof(TracingTests))]
public sealed class TracingTests
{
    [Fact]
    public async Task A_message_is_traced_from_the_request_to_the_sse_delivery()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var dir = System.IO.Directory.CreateTempSubdirectory("moltnet-trace-").FullName;
        var config = new MoltnetConfig
        {
            Storage = new StorageSection { Kind = StorageKinds.Sqlite, Sqlite = new SqliteSection { Path = Path.Combine(dir, "t.db") } },
        };
        var otlp = new OtlpExport { Endpoint = new Uri(receiver.Url), Protocol = OtlpExportProtocol.HttpProtobuf, ServiceName = "moltnet-test" };
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var remoteParent = ActivitySpanId.CreateRandom().ToHexString();

        await using (var server = await TestServer.StartAsync(config, dir, null, otlp))
        {
            await server.Client.Post("/v1/rooms", """{"id":"r","members":["a"]}""");
            await using var sse = await SseClient.ConnectAsync(server.Client);
            Assert.Equal("stream-open", (await sse.NextFrameAsync()).Comment);
            using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
            {
                Content = new StringContent("""{"id":"m1","target":{"kind":"room","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"hi"}]}""",
                    Encoding.UTF8, "application/json"),
            };
            post.Headers.Add("traceparent", $"00-{traceId}-{remoteParent}-01");
            Assert.Equal(202, (int)(await server.Client.SendAsync(post)).StatusCode);
            Assert.Equal(Ids.MessageEventId("m1"), (await sse.NextEventAsync()).Id);
        } // stopping the server drains the requests and flushes the exporters

        var spans = receiver.Spans.ToList();
        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        string Names() => string.Join(", ", trace.Select(s => $"{s.Name}({s.SpanId}<-{s.ParentSpanId})"));

        var http = Assert.Single(trace, s => s.Name == "POST /v1/messages");
        Assert.Equal(remoteParent, http.ParentSpanId);
        Assert.Equal("Microsoft.AspNetCore", http.Scope);
        Assert.Equal("/v1/messages", http.Attributes["http.route"]);
        Assert.Equal("202", http.Attributes["http.response.status_code"]);
        Assert.Equal("moltnet-test", http.Resource["service.name"]);

        var conversation = Assert.Single(trace, s => s.Name == "conversation.post");
        Assert.True(conversation.ParentSpanId == http.SpanId, Names());
        Assert.Equal("Moltnet.Grains", conversation.Scope);
        Assert.Equal("room:r", conversation.Attributes["moltnet.conversation"]);
        Assert.Equal("m1", conversation.Attributes["moltnet.message_id"]);

        var append = Assert.Single(trace, s => s.Name == "store.append");
        Assert.True(append.ParentSpanId == conversation.SpanId, Names());
        Assert.Equal("sqlite", append.Attributes["db.system.name"]);

        var publish = Assert.Single(trace, s => s.Name == "broker.publish");
        Assert.True(publish.ParentSpanId == append.SpanId, Names());
        Assert.Equal(Ids.MessageEventId("m1"), publish.Attributes["moltnet.event_id"]);
        Assert.Equal("message.created", publish.Attributes["moltnet.event_type"]);

        // The group commit is a trace of its own, linked to the append it committed.
        var commit = Assert.Single(spans, s => s.Name == "store.commit" && s.Links.Contains((traceId, append.SpanId)));
        Assert.NotEqual(traceId, commit.TraceId);
        Assert.Equal("", commit.ParentSpanId);

        // The SSE delivery belongs to the stream's request and links back to the publish.
        var deliver = Assert.Single(spans, s => s.Name == "sse.deliver" && s.Links.Contains((traceId, publish.SpanId)));
        Assert.Equal("Moltnet.Web", deliver.Scope);
        var stream = Assert.Single(spans, s => s.SpanId == deliver.ParentSpanId);
        Assert.Equal("GET /v1/events/stream", stream.Name);

        // Metrics went out over OTLP too (protobuf strings are plain UTF-8).
        var metrics = string.Join("\n", receiver.MetricExports.Select(Encoding.UTF8.GetString));
        Assert.Contains("moltnet.messages.accepted", metrics, StringComparison.Ordinal);
        Assert.Contains("moltnet.http.request.duration", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_follows_the_standard_environment_variables()
    {
        Assert.Null(OtlpExport.FromEnvironment(_ => null));
        Assert.Null(OtlpExport.FromEnvironment(n => n == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "" : null));
        var on = OtlpExport.FromEnvironment(n => n == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://collector:4318" : null);
        Assert.NotNull(on);
        Assert.Equal("moltnet", on.ServiceName);
        Assert.Null(on.Endpoint); // endpoint, protocol and headers are read by the exporter itself
        var named = OtlpExport.FromEnvironment(n => n switch
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT" => "http://collector:4317",
            "OTEL_SERVICE_NAME" => "moltnet-eu",
            _ => null,
        });
        Assert.Equal("moltnet-eu", named!.ServiceName);
        Assert.Null(OtlpExport.FromEnvironment(n => n switch
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT" => "http://collector:4317",
            "OTEL_SDK_DISABLED" => "true",
            _ => null,
        }));
    }
}

[CollectionDefinition(nameof(TracingTests), DisableParallelization = true)]
public sealed class TracingCollection;
