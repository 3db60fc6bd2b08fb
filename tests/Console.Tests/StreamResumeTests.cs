using Microsoft.Playwright;
using Moltnet.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Moltnet.Console.Tests;

/// <summary>The stream state is visible, and after the server restarts the console resumes from its last event.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class StreamResumeTests(ConsoleFixture f)
{
    [BrowserFact]
    public async Task A_server_restart_shows_reconnecting_then_resumes_and_delivers_new_messages()
    {
        using var dir = new TempDirectory();
        dir.Write("moltnet.yaml", """
            version: moltnet.v1
            network: { id: resume, name: "Resume Network" }
            rooms:
              - { id: general, members: [alpha] }
            """);
        var server = await ServerProcess.StartAsync(dir.Path);
        var port = server.Port;
        var context = await f.Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Url });
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/console/room/general");
            var stream = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "stream:" });
            await Expect(stream).ToHaveTextAsync("stream: live");
            await Post(server, "before the restart");
            await Expect(page.Locator(".msg", new() { HasText = "before the restart" })).ToBeVisibleAsync();

            Assert.Equal(0, await server.TerminateAsync());
            await server.DisposeAsync();
            await Expect(stream).ToContainTextAsync("reconnecting", new() { Timeout = 15000 });
            await Expect(stream).ToContainTextAsync("will resume from evt_");
            await Screenshots.SaveAsync(page, "stream-reconnecting");

            server = await ServerProcess.StartAsync(dir.Path, port: port);
            await Post(server, "after the restart");
            await Expect(stream).ToContainTextAsync("stream: live (resumed from evt_", new() { Timeout = 30000 });
            await Expect(page.Locator(".msg", new() { HasText = "after the restart" })).ToBeVisibleAsync();
            await Expect(page.Locator(".msg")).ToHaveCountAsync(2);
        }
        finally
        {
            await context.CloseAsync();
            await server.DisposeAsync();
        }
    }

    private static async Task Post(ServerProcess server, string text)
    {
        using var res = await server.Client.PostAsync("/v1/messages", new StringContent(
            $$"""{"target":{"kind":"room","room_id":"general"},"from":{"type":"agent","id":"alpha"},"parts":[{"kind":"text","text":"{{text}}"}]}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.True(res.IsSuccessStatusCode, await res.Content.ReadAsStringAsync());
    }
}
