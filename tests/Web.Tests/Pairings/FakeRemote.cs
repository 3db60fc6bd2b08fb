using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Moltnet.Web.Tests.Pairings;

/// <summary>A small real Kestrel server on loopback playing a paired network whose answers a test controls.</summary>
public sealed class FakeRemote : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeRemote(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Answers <c>GET /v1/network</c> (and anything without a route of its own).</summary>
    public volatile Func<HttpContext, Task> Network = Json(GoodNetwork("fake"));

    /// <summary>Answers <c>POST /v1/messages</c>; records bodies in <see cref="Received"/> first.</summary>
    public volatile Func<HttpContext, string, Task> Messages = (http, _) => Json("""{"accepted":true}""", 202)(http);

    public ConcurrentQueue<string> Authorizations { get; } = new();
    public ConcurrentQueue<string> Received { get; } = new();
    public ConcurrentQueue<string> Paths { get; } = new();

    public Dictionary<string, List<string>> Collections { get; } = new()
    {
        ["rooms"] = [],
        ["agents"] = [],
    };

    public static async Task<FakeRemote> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeRemote? self = null;
        app.Use(async (http, next) =>
        {
            self!.Authorizations.Enqueue(http.Request.Headers.Authorization.ToString());
            self.Paths.Enqueue(http.Request.Path + http.Request.QueryString);
            await next(http);
        });
        app.MapPost("/v1/messages", async http =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            self!.Received.Enqueue(body);
            await self.Messages(http, body);
        });
        app.MapGet("/v1/rooms", http => self!.Page(http, "rooms"));
        app.MapGet("/v1/agents", http => self!.Page(http, "agents"));
        app.MapGet("/v1/network", http => self!.Network(http));
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeRemote(app, url);
        return self;
    }

    /// <summary>Serves a collection two items per page, ignoring <c>limit</c>: clients must follow <c>next_after</c>.</summary>
    private Task Page(HttpContext http, string kind)
    {
        var ids = Collections[kind];
        var after = http.Request.Query["after"].ToString();
        var start = after.Length == 0 ? 0 : ids.IndexOf(after) + 1;
        var page = ids.Skip(start).Take(2).ToList();
        var more = start + page.Count < ids.Count;
        var items = string.Join(",", page.Select(id => kind == "rooms"
            ? $$"""{"id":"{{id}}","network_id":"fake","fqid":"molt://fake/rooms/{{id}}","name":"{{id}}","visibility":"public","write_policy":"members","created_at":"2026-01-01T00:00:00Z"}"""
            : $$"""{"id":"{{id}}","network_id":"fake","fqid":"molt://fake/agents/{{id}}","connected":false}"""));
        var info = more ? $$"""{"has_more":true,"next_after":"{{page[^1]}}"}""" : """{"has_more":false}""";
        return Json($$"""{"{{kind}}":[{{items}}],"page":{{info}}}""")(http);
    }

    public static string GoodNetwork(string id, string pair = "\"moltnet.pair.v1\"", string pagination = "cursor", bool dms = true) =>
        $$$"""{"id":"{{{id}}}","name":"Fake","version":"9.9.9","protocols":{"http":["moltnet.http.v1"],"attach":["moltnet.attach.v1"],"pair":[{{{pair}}}]},"capabilities":{"event_stream":"sse","attachment_protocol":"websocket","public_read":true,"agent_registration":"disabled","human_ingress":true,"direct_messages":{{{(dms ? "true" : "false")}}},"message_pagination":"{{{pagination}}}","pairings":true},"console":{"can_send_human":false}}""";

    public static Func<HttpContext, Task> Json(string body, int status = 200) => http =>
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(body + "\n", Encoding.UTF8);
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
