using System.Text.Json.Nodes;
using Moltnet.Grains.Storage;

namespace Moltnet.Web.Tests.Attach;

/// <summary>Reads the server's durable event log (its store) to find appended events.</summary>
public static class AttachTestEvents
{
    /// <summary>Every event the log holds now, oldest first. Read from the store page by page rather than from the live
    /// feed until it goes quiet for a moment, so a busy machine cannot cut the list short.</summary>
    public static async Task<List<JsonObject>> AllAsync(TestServer server)
    {
        var store = (IMoltnetStore)server.Services.GetService(typeof(IMoltnetStore))!;
        var result = new List<JsonObject>();
        var after = 0L;
        while (true)
        {
            var page = await store.ReadEventsAsync(after, long.MaxValue, 500, CancellationToken.None);
            if (page.Count == 0) return result;
            foreach (var stored in page) result.Add(JsonNode.Parse(Wire.MoltnetJson.Serialize(stored.Event))!.AsObject());
            after = page[^1].Cursor;
        }
    }

    /// <summary>Polls the log until an event of <paramref name="type"/> (matching <paramref name="match"/>) is there.</summary>
    public static async Task<JsonObject> WaitForAsync(TestServer server, string type, Func<JsonObject, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = (await AllAsync(server)).LastOrDefault(e => (string?)e["type"] == type && (match?.Invoke(e) ?? true));
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {type} event");
            await Task.Delay(100);
        }
    }

    public static async Task<List<JsonObject>> OfTypeAsync(TestServer server, string type) =>
        (await AllAsync(server)).Where(e => (string?)e["type"] == type).ToList();
}
