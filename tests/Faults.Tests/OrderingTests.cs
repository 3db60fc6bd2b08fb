using System.Diagnostics;
using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 3: 16 concurrent writers into one room of a real server process. Every observer (two SSE streams and a
/// WebSocket attachment) sees exactly the stored order: no gaps, no duplicates, each writer's messages in send order.</summary>
public sealed class OrderingTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private const int Writers = 16;
    private static readonly int PerWriter = FaultMode.Pick(250, 1000);

    [Fact]
    public async Task Sixteen_writers_into_one_room_give_every_observer_the_stored_order_without_gaps_or_duplicates()
    {
        var total = Writers * PerWriter;
        await f.Http.CreateRoomAsync("ordered", "a", "b");
        await using var sse1 = await SseClient.ConnectAsync(f.Http);
        await using var sse2 = await SseClient.ConnectAsync(f.Http);
        await using var attach = (await AttachClient.AttachAsync(f.Server.Url, "b")).Client;
        var sseSeen = new[] { sse1, sse2 }.Select(s => Task.Run(async () =>
            (await s.CollectAsync(total, e => e.Event == "message.created" && e.Data!.Contains("\"ordered\"", StringComparison.Ordinal), TimeSpan.FromMinutes(5)))
            .Select(e => Api.MessageId(e.Data!)).ToList())).ToList();
        var attachSeen = Task.Run(async () =>
        {
            var ids = new List<string>();
            while (ids.Count < total)
            {
                var e = await attach.NextEventAsync(TimeSpan.FromSeconds(30));
                if ((string?)e["type"] == "message.created" && (string?)e["message"]!["target"]!["room_id"] == "ordered") ids.Add((string)e["message"]!["id"]!);
            }
            return ids;
        });

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                var r = await f.Http.PostAsync("/v1/messages", Api.RoomMessage($"w{w:D2}-{i:D5}", room: "ordered"));
                Assert.True(r.Status == 202, r.Text);
            }
        })));
        var writeTime = clock.Elapsed;

        var stored = await f.Http.HistoryAsync("/v1/rooms/ordered/messages");
        Assert.Equal(total, stored.Count);
        Assert.Equal(total, stored.Distinct().Count());
        foreach (var w in Enumerable.Range(0, Writers))
        {
            var mine = stored.Where(id => id.StartsWith($"w{w:D2}-", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, PerWriter).Select(i => $"w{w:D2}-{i:D5}"), mine);
        }
        foreach (var seen in sseSeen) Assert.Equal(stored, await seen);
        Assert.Equal(stored, await attachSeen);
        Console.WriteLine($"ordering: {total} messages by {Writers} writers in {writeTime.TotalSeconds:F1} s");
    }
}
