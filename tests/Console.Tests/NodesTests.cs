using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Moltnet.Console.Tests;

/// <summary>The nodes and cluster pages against a real server and real <c>moltnet node add --foreground</c> processes.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class NodesTests(ConsoleFixture f)
{
    [BrowserFact]
    public async Task Generated_token_connects_a_node_whose_telemetry_shows_and_whose_command_output_streams_in()
    {
        var page = await f.OpenConsoleAsync("/console/nodes");
        var name = "box-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("Node name (optional)").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate connection token" }).ClickAsync();
        var commandBox = page.GetByLabel("Connection command");
        await Expect(commandBox).ToContainTextAsync("moltnet node add --host ws://127.0.0.1:");
        var command = (await commandBox.InnerTextAsync()).Trim();
        Assert.Matches(AddCommand(), command);
        var token = AddCommand().Match(command).Groups["token"].Value;
        await Screenshots.SaveAsync(page, "nodes-token");

        // Shown once: after a reload the page no longer has it, and the API lists only its prefix.
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connect a remote node" })).ToBeVisibleAsync();
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, (await f.GetAsync("/v1/nodes/tokens")).GetRawText(), StringComparison.Ordinal);

        await using var node = NodeProcess.FromCommand(command);
        var card = page.Locator("li.node", new() { HasText = name });
        await Expect(card).ToContainTextAsync("online", new() { Timeout = 30000 });
        await Expect(card).ToContainTextAsync("cores", new() { Timeout = 30000 });
        await Expect(card.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^CPU usage of") })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "nodes");

        await card.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("NODE: ");
        await page.GetByLabel(new Regex("^Command to run on")).FillAsync("echo first; echo oops 1>&2; sleep 2; echo second");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        var output = page.GetByRole(AriaRole.Log, new() { Name = "Command output" });
        var result = page.Locator(".exec-result");
        // Streamed: the first line is on screen while the command still runs.
        await Expect(output).ToContainTextAsync("first");
        await Expect(result).ToHaveTextAsync("Running…");
        await Expect(output.Locator(".stderr")).ToHaveTextAsync("oops\n");
        await Expect(result).ToContainTextAsync("exit code 0", new() { Timeout = 30000 });
        await Expect(output).ToContainTextAsync("second");
        await Screenshots.SaveAsync(page, "node-exec");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Revoking_a_node_from_its_page_disconnects_it_and_its_token_stops_working()
    {
        var name = "rev-" + Guid.NewGuid().ToString("N")[..6];
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/nodes/tokens") { Content = JsonContent.Create(new { name }) };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ConsoleFixture.OperatorToken);
        using var res = await f.Server.Client.SendAsync(req);
        var created = JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;
        Assert.True(res.IsSuccessStatusCode, created.GetRawText());
        var nodeId = created.GetProperty("node_id").GetString()!;
        var token = created.GetProperty("device_token").GetString()!;
        await using var node = NodeProcess.FromCommand($"moltnet node add --host ws://127.0.0.1:{f.Server.Port}/ws --token {token} --node-id {nodeId} --name {name}");

        var page = await f.OpenConsoleAsync($"/console/nodes/{nodeId}");
        var card = page.Locator("li.node", new() { HasText = name });
        await Expect(card).ToContainTextAsync("online", new() { Timeout = 30000 });
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke this node" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "revoked" })).ToHaveTextAsync($"Node {nodeId} revoked.");
        await Expect(card).ToContainTextAsync("revoked");
        var described = await f.GetAsync($"/v1/nodes/{nodeId}");
        Assert.True(described.GetProperty("revoked").GetBoolean());
        Assert.False(described.GetProperty("connected").GetBoolean());
        // The node is refused when it reconnects and stops for good (exit 78, remote-nodes.md §9).
        Assert.Equal(78, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        await Screenshots.SaveAsync(page, "node-revoked");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Cluster_view_lists_this_replica()
    {
        var page = await f.OpenConsoleAsync("/console/cluster");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Server replicas" });
        await Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(table).ToContainTextAsync("this one");
        await Expect(page.Locator(".meta")).ToContainTextAsync("1 replica on memory storage");
        await Screenshots.SaveAsync(page, "cluster");
        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"^moltnet node add --host ws://127\.0\.0\.1:\d+/ws --token (?<token>mdt_[A-Za-z0-9_-]{43}) --node-id \S+ --name '[^']+'$")]
    private static partial Regex AddCommand();
}
