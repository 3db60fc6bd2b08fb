using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Moltnet.TestSupport;

namespace Moltnet.Console.Tests;

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}

/// <summary>One real <c>moltnet start</c> process (bearer auth, an operator token for the console, an allowlisted token
/// for the agents alpha and beta) and one Chromium, shared by the console tests.</summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string OperatorToken = "ops-secret-token";
    public const string AgentsToken = "agents-secret-token";

    private readonly TempDirectory _dir = new();

    public BrowserFixture Browser { get; } = new();
    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        if (BrowserFixture.ExecutablePath is null) return;
        _dir.Write("moltnet.yaml", $$"""
            version: moltnet.v1
            network: { id: local, name: "Console Test Network" }
            storage: { kind: memory }
            auth:
              mode: bearer
              tokens:
                - { id: ops, value: {{OperatorToken}}, scopes: [observe, write, admin] }
                - { id: agents, value: {{AgentsToken}}, scopes: [write, attach], agents: [alpha, beta] }
            rooms:
              - { id: general, name: General, members: [alpha, beta, operator] }
              - { id: research, name: Research, members: [alpha] }
            """);
        Server = await ServerProcess.StartAsync(_dir.Path);
    }

    /// <summary>A fresh browser context whose console was bootstrapped with <c>?access_token=</c> (the HttpOnly cookie).</summary>
    public async Task<IPage> OpenConsoleAsync(string path = "/console/", int width = 1280, int height = 800)
    {
        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.Url,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        var sep = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        await page.GotoAsync($"{path}{sep}access_token={OperatorToken}");
        return page;
    }

    /// <summary>Posts a message as an agent through the HTTP API (not through the browser).</summary>
    public async Task<string> PostAsync(object target, string from, string text)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = JsonContent.Create(new { target, from = new { type = "agent", id = from }, parts = new[] { new { kind = "text", text } } }),
        };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AgentsToken);
        using var res = await Server.Client.SendAsync(req);
        var body = await res.Content.ReadAsStringAsync();
        Assert.True(res.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("message_id").GetString()!;
    }

    /// <summary>A GET as the operator.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, path);
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OperatorToken);
        using var res = await Server.Client.SendAsync(req);
        var body = await res.Content.ReadAsStringAsync();
        Assert.True(res.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        await Browser.DisposeAsync();
        _dir.Dispose();
    }
}
