using System.Text.Json.Nodes;
using Moltnet.Grains;

namespace Moltnet.Web.Tests.Attach;

/// <summary>Reads the server's durable event log through its feed (from the start) to find appended events.</summary>
public static class AttachTestEvents
{
    /// <summary>All events from the beginning of the log until no more arrive for a moment.</summary>
    public static async Task<List<JsonObject>> AllAsync(TestServer server, TimeSpan? quiet = null)
    {
        var feed = (IEventFeed)server.Services.GetService(typeof(IEventFeed))!;
        var result = new List<JsonObject>();
        await using var sub = await feed.SubscribeAsync("evt_gap_start", CancellationToken.None);
        using var cts = new CancellationTokenSource();
        await using var items = sub.ReadAllAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        while (true)
        {
            var next = items.MoveNextAsync().AsTask();
            if (await Task.WhenAny(next, Task.Delay(quiet ?? TimeSpan.FromMilliseconds(300))) != next)
            {
                await cts.CancelAsync();
                try { await next; } catch (OperationCanceledException) { }
                return result;
            }
            if (!await next) return result;
            if (items.Current.Event is { } e) result.Add(JsonNode.Parse(Wire.MoltnetJson.Serialize(e))!.AsObject());
        }
    }

    /// <summary>Polls the log until an event of <paramref name="type"/> (matching <paramref name="match"/>) is there.</summary>
    public static async Task<JsonObject> WaitForAsync(TestServer server, string type, Func<JsonObject, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = (await AllAsync(server, TimeSpan.FromMilliseconds(100))).LastOrDefault(e => (string?)e["type"] == type && (match?.Invoke(e) ?? true));
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {type} event");
            await Task.Delay(100);
        }
    }

    public static async Task<List<JsonObject>> OfTypeAsync(TestServer server, string type) =>
        (await AllAsync(server)).Where(e => (string?)e["type"] == type).ToList();
}
