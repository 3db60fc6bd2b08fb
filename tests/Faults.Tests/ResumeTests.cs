using System.Text.Json.Nodes;
using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 4: resume by <c>Last-Event-ID</c> and by <c>IDENTIFY.cursor</c> after 1, 255 and many missed events
/// (1,000 in CI, 10,000 in long mode) continues exactly after the cursor; a malformed cursor is ignored as the spec says
/// (spec §3: "ignored if not ID-grammar": the stream starts live, without replay or gap).</summary>
public sealed class ResumeTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    public static TheoryData<int> Missed() => [1, 255, FaultMode.Pick(1000, 10_000)];

    [Theory]
    [MemberData(nameof(Missed))]
    public async Task Sse_and_attachment_resume_exactly_after_the_cursor(int missed)
    {
        var room = $"resume-{missed}";
        await f.Http.CreateRoomAsync(room, "a", "b");
        var cursor = await PostAndObserveAsync(room, $"{room}-seen");
        // Eight concurrent writers; a live observer connected throughout records the log's order, which the resumed
        // streams must reproduce exactly.
        await using var reference = await SseClient.ConnectAsync(f.Http);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < missed; i += 8)
            {
                var r = await f.Http.PostAsync("/v1/messages", Api.RoomMessage($"{room}-missed-{i:D5}", room: room));
                Assert.True(r.Status == 202, r.Text);
            }
        })));
        var expected = (await reference.CollectAsync(missed, e => e.Event == "message.created", TimeSpan.FromMinutes(2)))
            .Select(e => Api.MessageId(e.Data!)).ToList();
        Assert.Equal(missed, expected.Distinct().Count());

        await using var sse = await SseClient.ConnectAsync(f.Http, lastEventId: cursor);
        await using var attach = (await AttachClient.AttachAsync(f.Server.Url, "b", cursor: cursor)).Client;
        var live = $"{room}-live";
        Assert.Equal(202, (await f.Http.PostAsync("/v1/messages", Api.RoomMessage(live, room: room))).Status);
        expected.Add(live);

        // Exactly the missed events, in order, then the live one: nothing before them, nothing twice, no gap. The only
        // other events on the way are the lifecycle events of the attachment opened for this test.
        var sseEvents = new List<SseFrame>();
        while (sseEvents.Count == 0 || sseEvents[^1].Event != "message.created" || Api.MessageId(sseEvents[^1].Data!) != live)
            sseEvents.Add(await sse.NextEventAsync(TimeSpan.FromSeconds(30)));
        Assert.All(sseEvents.Where(e => e.Event != "message.created"), e => Assert.StartsWith("agent.", e.Event, StringComparison.Ordinal));
        Assert.Equal(expected, sseEvents.Where(e => e.Event == "message.created").Select(e => Api.MessageId(e.Data!)));
        var attachIds = new List<string>();
        while (attachIds.Count == 0 || attachIds[^1] != live)
        {
            var e = await attach.NextEventAsync(TimeSpan.FromSeconds(30));
            if ((string?)e["type"] == "message.created") attachIds.Add((string)e["message"]!["id"]!);
            else Assert.StartsWith("agent.", (string?)e["type"], StringComparison.Ordinal);
        }
        Assert.Equal(expected, attachIds);
    }

    [Theory]
    [InlineData("not a cursor")]
    [InlineData("-starts-with-dash")]
    [InlineData("évt_accent")]
    public async Task A_malformed_cursor_is_ignored_and_the_stream_starts_live(string cursor)
    {
        Assert.Equal(202, (await f.Http.PostAsync("/v1/messages", Api.RoomMessage("before-" + Guid.NewGuid().ToString("N")))).Status);
        await using var sse = await SseClient.ConnectAsync(f.Http, $"/v1/events/stream?last_event_id={Uri.EscapeDataString(cursor)}");
        Assert.Equal(200, sse.Status);
        Assert.Equal("stream-open", (await sse.NextFrameAsync()).Comment);
        await using var attach = (await AttachClient.AttachAsync(f.Server.Url, "b", cursor: cursor)).Client;
        var live = "live-" + Guid.NewGuid().ToString("N");
        Assert.Equal(202, (await f.Http.PostAsync("/v1/messages", Api.RoomMessage(live))).Status);
        var first = await sse.NextEventAsync();
        while (first.Event!.StartsWith("agent.", StringComparison.Ordinal)) first = await sse.NextEventAsync(); // the attachment's own
        Assert.Equal("message.created", first.Event);
        Assert.Equal(live, Api.MessageId(first.Data!));
        var e = await attach.NextEventAsync();
        while (((string)e["type"]!).StartsWith("agent.", StringComparison.Ordinal)) e = await attach.NextEventAsync();
        Assert.Equal(live, (string?)e["message"]?["id"]);
    }

    /// <summary>Posts a message and returns the id of its event as an observer saw it.</summary>
    private async Task<string> PostAndObserveAsync(string room, string id)
    {
        await using var sse = await SseClient.ConnectAsync(f.Http);
        Assert.Equal(202, (await f.Http.PostAsync("/v1/messages", Api.RoomMessage(id, room: room))).Status);
        var frames = await sse.CollectAsync(1, e => e.Event == "message.created" && Api.MessageId(e.Data!) == id);
        return frames[0].Id!;
    }
}

/// <summary>Case 4, retention: a cursor whose event was pruned gets exactly one <c>stream.replay_gap</c> naming it, then
/// the retained events; restarting alone never causes a gap.</summary>
public sealed class RetentionGapTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_cursor_past_retention_gets_exactly_one_replay_gap()
    {
        _dir.Write("Moltnet", "storage:\n  event_retention: 1s\n");
        string old, kept;
        await using (var server = await ServerProcess.StartAsync(_dir.Path))
        {
            await server.Client.CreateRoomAsync("r", "a");
            await using var sse = await SseClient.ConnectAsync(server.Client);
            Assert.Equal(202, (await server.Client.PostAsync("/v1/messages", Api.RoomMessage("old"))).Status);
            old = (await sse.CollectAsync(1, e => e.Event == "message.created"))[0].Id!;
            // Retention is wall-clock time: the event must be older than 1 s when the restarted server prunes at start.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Equal(0, await server.TerminateAsync());
        }
        await using var again = await ServerProcess.StartAsync(_dir.Path);
        await using (var sse = await SseClient.ConnectAsync(again.Client))
        {
            Assert.Equal(202, (await again.Client.PostAsync("/v1/messages", Api.RoomMessage("kept"))).Status);
            kept = (await sse.CollectAsync(1, e => e.Event == "message.created"))[0].Id!;
        }

        await using var resumed = await SseClient.ConnectAsync(again.Client, lastEventId: old);
        var gap = await resumed.NextEventAsync();
        Assert.Equal("stream.replay_gap", gap.Event);
        var replayGap = JsonNode.Parse(gap.Data!)!["replay_gap"]!;
        Assert.Equal(old, (string?)replayGap["requested_event_id"]);
        Assert.Equal(kept, (string?)replayGap["oldest_event_id"]);
        Assert.Equal(kept, (string?)replayGap["newest_event_id"]);
        var next = await resumed.NextEventAsync();
        Assert.Equal(kept, next.Id);
        Assert.Equal(202, (await again.Client.PostAsync("/v1/messages", Api.RoomMessage("after"))).Status);
        var after = await resumed.NextEventAsync();
        Assert.Equal("after", Api.MessageId(after.Data!)); // one gap only, then a normal stream

        await using var attach = (await AttachClient.AttachAsync(again.Url, "a", cursor: old)).Client;
        var attachGap = await attach.NextEventAsync();
        Assert.Equal("stream.replay_gap", (string?)attachGap["type"]);
        Assert.Equal(old, (string?)attachGap["replay_gap"]!["requested_event_id"]);
        Assert.Equal("kept", (string?)(await attach.NextEventAsync())["message"]!["id"]);
        Assert.Equal("after", (string?)(await attach.NextEventAsync())["message"]!["id"]);
    }
}
