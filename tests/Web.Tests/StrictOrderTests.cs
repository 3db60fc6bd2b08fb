using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moltnet.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.Web.Tests;

/// <summary>Concurrent writers into one room on SQLite: every reader sees one identical, gap-free, duplicate-free order.</summary>
public sealed class StrictOrderTests
{
    [Fact]
    public async Task Sixteen_writers_into_one_room_give_every_reader_the_same_order()
    {
        const int writers = 16, perWriter = 500, total = writers * perWriter;
        var dir = Directory.CreateTempSubdirectory("moltnet-order-").FullName;
        await using var server = await TestServer.StartAsync(new MoltnetConfig
        {
            Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
            Storage = new StorageSection { Kind = StorageKinds.Sqlite, Sqlite = new SqliteSection { Path = Path.Combine(dir, "m.db") } },
            Limits = new LimitsSection { SubscriberQueue = 64 }, // small queues: readers fall behind and catch up from the log
        }, dir);
        await server.Client.Post("/v1/rooms", """{"id":"r","members":["a"]}""");
        var observers = new List<SseClient>();
        for (var i = 0; i < 3; i++) observers.Add(await SseClient.ConnectAsync(server.Client));
        var reading = observers.Select(o => o.CollectAsync(total, f => f.Event == "message.created", TimeSpan.FromMinutes(3))).ToList();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = writers }) { BaseAddress = new Uri(server.Url) };
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                using var res = await http.PostAsJsonAsync("/v1/messages", JsonNode.Parse(
                    $$"""{"id":"w{{w}}-{{i}}","target":{"kind":"room","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"x"}]}"""));
                Assert.Equal(202, (int)res.StatusCode);
            }
        })));

        var seen = await Task.WhenAll(reading);
        var orders = seen.Select(frames => frames.Select(f => (string)JsonNode.Parse(f.Data!)!["message"]!["id"]!).ToList()).ToList();
        Assert.Equal(total, orders[0].Distinct().Count());
        Assert.Equal(orders[0], orders[1]);
        Assert.Equal(orders[0], orders[2]);
        for (var w = 0; w < writers; w++)
        {
            // Each writer's own messages appear in the order it sent them.
            var mine = orders[0].Where(id => id.StartsWith($"w{w}-", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, perWriter).Select(i => $"w{w}-{i}"), mine);
        }
        var history = new List<string>();
        string? after = null;
        do
        {
            var page = await server.Client.GetFromJsonAsync<JsonNode>($"/v1/rooms/r/messages?limit=500{(after is null ? "&after=w0-0" : $"&after={after}")}");
            history.AddRange(page!["messages"]!.AsArray().Select(m => (string)m!["id"]!));
            after = (bool)page["page"]!["has_more"]! ? (string)page["page"]!["next_after"]! : null;
        }
        while (after is not null);
        Assert.Equal(orders[0].SkipWhile(id => id != "w0-0").Skip(1), history);
        foreach (var o in observers) await o.DisposeAsync();
    }
}
