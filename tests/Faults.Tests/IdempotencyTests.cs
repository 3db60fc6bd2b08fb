using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 2: 50 concurrent POSTs of one message id against a real server process store one row, publish one
/// <c>message.created</c> and get identical answers.</summary>
public sealed class IdempotencyTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private const int Copies = 50;

    [Fact]
    public async Task Fifty_concurrent_posts_of_one_room_message_id_store_one_row_and_publish_one_event()
    {
        await using var sse = await SseClient.ConnectAsync(f.Http);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posts = Enumerable.Range(0, Copies).Select(async i =>
        {
            await go.Task;
            return await f.Http.PostAsync("/v1/messages", Api.RoomMessage("same-id", text: $"copy {i}"));
        }).ToList();
        go.SetResult(); // released together: the copies race inside the server
        var answers = await Task.WhenAll(posts);
        Assert.All(answers, a => Assert.Equal(202, a.Status));
        Assert.Single(answers.Select(a => a.Text).Distinct());
        Assert.Single(await f.Http.HistoryAsync("/v1/rooms/r/messages"), id => id == "same-id");

        var events = await EventsUntilSentinelAsync(sse);
        Assert.Single(events, e => e.Event == "message.created" && Api.MessageId(e.Data!) == "same-id");
    }

    [Fact]
    public async Task Fifty_concurrent_posts_that_open_a_thread_create_it_once()
    {
        await using var sse = await SseClient.ConnectAsync(f.Http);
        var body = """{"id":"t-first","target":{"kind":"thread","thread_id":"t-once","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"text","text":"x"}]}""";
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posts = Enumerable.Range(0, Copies).Select(async _ =>
        {
            await go.Task;
            return await f.Http.PostAsync("/v1/messages", body);
        }).ToList();
        go.SetResult();
        var answers = await Task.WhenAll(posts);
        Assert.All(answers, a => Assert.Equal(202, a.Status));
        Assert.Single(answers.Select(a => (string)a.Body!["message_id"]! + "/" + (string)a.Body["event_id"]!).Distinct());
        // The one that stored it reports the new thread; every duplicate answers with both flags false (spec §2.5 step 9).
        Assert.Single(answers, a => (bool)a.Body!["thread_created"]!);

        var thread = (await f.Http.GetAnswerAsync("/v1/threads/t-once")).Body!;
        Assert.Equal(1, (int)thread["message_count"]!);
        Assert.Equal(["t-first"], await f.Http.HistoryAsync("/v1/threads/t-once/messages"));
        var events = await EventsUntilSentinelAsync(sse);
        Assert.Single(events, e => e.Event == "thread.created");
        Assert.Single(events, e => e.Event == "message.created" && Api.MessageId(e.Data!) == "t-first");
    }

    /// <summary>Posts a sentinel and returns every event up to and including it (the stream is ordered).</summary>
    private async Task<List<SseFrame>> EventsUntilSentinelAsync(SseClient sse)
    {
        var sentinel = "sentinel-" + Guid.NewGuid().ToString("N");
        Assert.Equal(202, (await f.Http.PostAsync("/v1/messages", Api.RoomMessage(sentinel))).Status);
        var all = new List<SseFrame>();
        while (true)
        {
            var e = await sse.NextEventAsync(TimeSpan.FromSeconds(15));
            all.Add(e);
            if (e.Event == "message.created" && Api.MessageId(e.Data!) == sentinel) return all;
        }
    }
}
