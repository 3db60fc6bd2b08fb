using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Moltnet.Console.Tests;

/// <summary>The console against a real server: rooms, the composer, live updates, threads and DMs.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConversationTests(ConsoleFixture f)
{
    [BrowserFact]
    public async Task Opens_with_the_access_token_bootstrap_and_lists_rooms()
    {
        var page = await f.OpenConsoleAsync();
        // The token went into an HttpOnly cookie and the redirect removed it from the address bar.
        Assert.DoesNotContain("access_token", page.Url, StringComparison.Ordinal);
        var cookies = await page.Context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "moltnet_auth" && c.HttpOnly);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Conversations and pages" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "# General" })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "# Research" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync("Console Test Network");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "stream:" })).ToHaveTextAsync("stream: live");
        await Screenshots.SaveAsync(page, "overview");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_human_message_sent_from_the_composer_appears_and_is_stored_as_the_operator()
    {
        var page = await f.OpenConsoleAsync("/console/room/general");
        var composer = page.GetByRole(AriaRole.Combobox);
        var text = $"hello from the browser {Guid.NewGuid():N}";
        await composer.FillAsync(text);
        await composer.PressAsync("Enter");
        var row = page.Locator(".msg", new() { HasText = text });
        await Expect(row).ToContainTextAsync("Operator");
        await Expect(row.Locator(".badge.human")).ToBeVisibleAsync();
        await Expect(composer).ToHaveValueAsync("");
        var history = await f.GetAsync("/v1/rooms/general/messages");
        var stored = history.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("parts")[0].GetProperty("text").GetString() == text);
        Assert.Equal("human", stored.GetProperty("from").GetProperty("type").GetString());
        Assert.Equal("operator", stored.GetProperty("from").GetProperty("id").GetString());
        await Screenshots.SaveAsync(page, "room");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_message_posted_through_the_api_appears_without_a_reload()
    {
        var page = await f.OpenConsoleAsync("/console/room/general");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "stream:" })).ToHaveTextAsync("stream: live");
        await Expect(page.GetByRole(AriaRole.Combobox)).ToBeVisibleAsync();
        var marker = await page.EvaluateAsync<string>("() => { window.__marker = crypto.randomUUID(); return window.__marker; }");
        var text = $"from the api {Guid.NewGuid():N}";
        await f.PostAsync(new { kind = "room", room_id = "general" }, "alpha", text);
        await Expect(page.Locator(".msg", new() { HasText = text })).ToContainTextAsync("alpha");
        Assert.Equal(marker, await page.EvaluateAsync<string>("() => window.__marker")); // same document: no reload
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Mention_completion_inserts_the_agent_and_the_message_carries_the_mention()
    {
        var page = await f.OpenConsoleAsync("/console/room/general");
        var composer = page.GetByRole(AriaRole.Combobox);
        await composer.PressSequentiallyAsync("ping @be");
        var option = page.GetByRole(AriaRole.Option, new() { Name = "@beta" });
        await Expect(option).ToBeVisibleAsync();
        await Expect(composer).ToHaveAttributeAsync("aria-expanded", "true");
        await composer.PressAsync("Enter");
        await Expect(composer).ToHaveValueAsync("ping @beta ");
        var tag = Guid.NewGuid().ToString("N");
        await composer.PressSequentiallyAsync(tag);
        await composer.PressAsync("Enter");
        await Expect(page.Locator(".msg", new() { HasText = tag })).ToBeVisibleAsync();
        var history = await f.GetAsync("/v1/rooms/general/messages");
        var stored = history.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("parts")[0].GetProperty("text").GetString()!.Contains(tag, StringComparison.Ordinal));
        Assert.Equal("molt://local/agents/beta", stored.GetProperty("mentions")[0].GetString());
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Thread_view_shows_replies_and_live_updates()
    {
        var thread = "t-" + Guid.NewGuid().ToString("N")[..8];
        await f.PostAsync(new { kind = "thread", thread_id = thread, room_id = "general" }, "alpha", "first reply in the thread");
        var page = await f.OpenConsoleAsync("/console/room/general");
        await page.GetByRole(AriaRole.Link, new() { Name = thread }).ClickAsync();
        await Expect(page).ToHaveURLAsync($"{f.Server.Url}/console/thread/{thread}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"THREAD: {thread}");
        await Expect(page.Locator(".msg", new() { HasText = "first reply in the thread" })).ToBeVisibleAsync();
        await f.PostAsync(new { kind = "thread", thread_id = thread, room_id = "general" }, "beta", "second reply, live");
        await Expect(page.Locator(".msg", new() { HasText = "second reply, live" })).ToContainTextAsync("beta");
        await Screenshots.SaveAsync(page, "thread");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Dm_view_lists_the_conversation_and_the_operator_can_answer()
    {
        var dm = "dm-" + Guid.NewGuid().ToString("N")[..8];
        await f.PostAsync(new { kind = "dm", dm_id = dm, participant_ids = new[] { "alpha", "operator" } }, "alpha", "a private question");
        var page = await f.OpenConsoleAsync();
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex(dm) }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"DM: {dm}");
        await Expect(page.Locator(".msg", new() { HasText = "a private question" })).ToBeVisibleAsync();
        var composer = page.GetByRole(AriaRole.Combobox);
        await composer.FillAsync("a private answer");
        await composer.PressAsync("Enter");
        await Expect(page.Locator(".msg", new() { HasText = "a private answer" })).ToContainTextAsync("Operator");
        var history = await f.GetAsync($"/v1/dms/{dm}/messages");
        Assert.Equal(2, history.GetProperty("messages").GetArrayLength());
        await Screenshots.SaveAsync(page, "dm");
        await page.Context.CloseAsync();
    }
}
