using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moltnet.Configuration;
using Moltnet.Silo.Hosting;

namespace Moltnet.Web.Tests.Observability;

/// <summary>The console log formats of <c>server.log_format</c>, captured through the real console formatters.</summary>
public sealed class LogFormatTests
{
    private static async Task<(TestServer Server, FormattedLogs Logs)> StartAsync(string format)
    {
        var server = await TestServer.StartAsync(null, null, l => FormattedLogs.Replace(l, b => b.AddMoltnetConsole(format).AddFilter("Moltnet.Web.Requests", LogLevel.Debug)), null);
        return (server, server.Services.GetServices<ILoggerProvider>().OfType<FormattedLogs>().Single());
    }

    private static async Task SendAsync(TestServer server, HttpMethod method, string path, string requestId, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Request-Id", requestId);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(requestId, response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task Json_logs_are_one_object_per_line_with_the_request_id_scope()
    {
        var (server, logs) = await StartAsync(LogFormats.Json);
        await using (server)
        {
            await SendAsync(server, HttpMethod.Post, "/v1/rooms", "obs-json-1", """{"id":"r"}""");
            await SendAsync(server, HttpMethod.Get, "/nope", "obs-json-2");
            await SendAsync(server, HttpMethod.Get, "/healthz", "obs-json-3"); // same connection: the earlier requests have finished
        }

        var lines = logs.Entries.ToList();
        Assert.NotEmpty(lines);
        var entries = lines.Select(line =>
        {
            Assert.EndsWith("\n", line);
            Assert.DoesNotContain('\n', line.TrimEnd('\r', '\n'));
            return JsonDocument.Parse(line).RootElement;
        }).ToList();
        Assert.All(entries, e =>
        {
            Assert.Equal(JsonValueKind.Object, e.ValueKind);
            foreach (var key in new[] { "Timestamp", "EventId", "LogLevel", "Category", "Message" }) Assert.True(e.TryGetProperty(key, out _), key);
        });

        foreach (var (id, path, status) in new[] { ("obs-json-1", "/v1/rooms", 201), ("obs-json-2", "/nope", 404) })
        {
            var line = Assert.Single(entries, e => e.GetProperty("EventId").GetInt32() == 2001 && RequestIds(e).Contains(id));
            Assert.Equal("Moltnet.Web.Requests", line.GetProperty("Category").GetString());
            Assert.Equal(path, line.GetProperty("State").GetProperty("Path").GetString());
            Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), line.GetProperty("State").GetProperty("Status").ToString());
            Assert.Equal([id], RequestIds(line)); // ours only: ASP.NET Core's connection-based id is switched off
        }
    }

    [Fact]
    public async Task Text_logs_are_single_lines_that_carry_the_request_id()
    {
        var (server, logs) = await StartAsync(LogFormats.Text);
        await using (server)
        {
            await SendAsync(server, HttpMethod.Post, "/v1/rooms", "obs-text-1", """{"id":"r"}""");
            await SendAsync(server, HttpMethod.Get, "/healthz", "obs-text-2");
        }
        var lines = logs.Entries.ToList();
        Assert.All(lines, l => Assert.DoesNotContain('\n', l.TrimEnd('\r', '\n')));
        var line = Assert.Single(lines, l => l.Contains("RequestId:obs-text-1", StringComparison.Ordinal) && l.Contains("[2001]", StringComparison.Ordinal));
        Assert.Contains("POST /v1/rooms responded 201", line, StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z dbug: ", line);
    }

    [Fact]
    public async Task Every_request_gets_one_request_line()
    {
        await using var server = await TestServer.StartAsync();
        await SendAsync(server, HttpMethod.Get, "/healthz", "obs-ok");
        await SendAsync(server, HttpMethod.Get, "/readyz", "obs-ok-2"); // same connection: the first request has finished
        Assert.Single(server.Logs.Lines, l => l.StartsWith("Debug Moltnet.Web.Requests: GET /healthz responded 200 in ", StringComparison.Ordinal));
    }

    private static List<string?> RequestIds(JsonElement entry) =>
        entry.TryGetProperty("Scopes", out var scopes)
            ? scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("RequestId", out _))
                .Select(s => s.GetProperty("RequestId").GetString()).ToList()
            : [];
}
