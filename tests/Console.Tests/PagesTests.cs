using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Moltnet.Console.Tests;

/// <summary>Agent, events and overview pages; keyboard use, a narrow window and the dark theme.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PagesTests(ConsoleFixture f)
{
    [BrowserFact]
    public async Task Events_view_shows_live_events_newest_first()
    {
        var page = await f.OpenConsoleAsync("/console/events");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "stream:" })).ToHaveTextAsync("stream: live");
        var first = $"event one {Guid.NewGuid():N}";
        var second = $"event two {Guid.NewGuid():N}";
        await f.PostAsync(new { kind = "room", room_id = "research" }, "alpha", first);
        await f.PostAsync(new { kind = "room", room_id = "research" }, "alpha", second);
        var events = page.GetByRole(AriaRole.List, new() { Name = "Events, newest first" });
        await Expect(events.Locator("li").First).ToContainTextAsync("MESSAGE.CREATED alpha → room research");
        await Expect(events.Locator("li").First).ToContainTextAsync(second);
        var texts = (await events.Locator("li.message-created").AllInnerTextsAsync()).ToList();
        Assert.True(texts.FindIndex(t => t.Contains(second, StringComparison.Ordinal)) < texts.FindIndex(t => t.Contains(first, StringComparison.Ordinal)));
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Filter events" }).FillAsync(first);
        await Expect(events.Locator("li")).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(page, "events");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Agent_view_shows_presence_and_rooms()
    {
        var page = await f.OpenConsoleAsync();
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^alpha") }).ClickAsync();
        await Expect(page).ToHaveURLAsync($"{f.Server.Url}/console/agent/alpha");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("AGENT: alpha");
        await Expect(page.Locator(".facts")).ToContainTextAsync("offline");
        await Expect(page.Locator(".facts")).ToContainTextAsync("molt://local/agents/alpha");
        await Expect(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "#general" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "#research" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "agent");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Keyboard_only_reaches_a_room_and_sends()
    {
        var page = await f.OpenConsoleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "# General" })).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        var general = page.GetByRole(AriaRole.Link, new() { Name = "# General" });
        for (var i = 0; i < 20 && !await general.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
            await page.Keyboard.PressAsync("Tab");
        await Expect(general).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeFocusedAsync();
        var composer = page.GetByRole(AriaRole.Combobox);
        for (var i = 0; i < 20 && !await composer.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
            await page.Keyboard.PressAsync("Tab");
        await Expect(composer).ToBeFocusedAsync();
        var text = $"typed without a mouse {Guid.NewGuid():N}";
        await page.Keyboard.TypeAsync(text);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(".msg", new() { HasText = text })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Narrow_window_uses_a_drawer_and_the_dark_theme_is_remembered()
    {
        var page = await f.OpenConsoleAsync("/console/room/general", width: 390, height: 800);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Conversations and pages" });
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        await Expect(nav).Not.ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Combobox)).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "narrow-room");
        await menu.ClickAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(nav).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "narrow-menu");
        await nav.GetByRole(AriaRole.Link, new() { Name = "# Research" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("ROOM: Research (research)");
        await Expect(nav).Not.ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Dark theme" }).ClickAsync();
        Assert.Equal("dark", await page.EvaluateAsync<string>("() => document.documentElement.dataset.theme"));
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        await page.ReloadAsync();
        Assert.Equal("dark", await page.EvaluateAsync<string>("() => document.documentElement.dataset.theme"));
        Assert.Equal("rgb(15, 18, 21)", background);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Light theme" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Screenshots.SaveAsync(page, "narrow-dark");
        await page.Context.CloseAsync();
    }
}
