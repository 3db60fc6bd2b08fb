using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Moltnet.Faults.Tests.Support;

/// <summary>An HTTP answer: status and parsed JSON body (null when not JSON).</summary>
public sealed record Answer(int Status, JsonNode? Body, string Text)
{
    /// <summary>Asserts the spec's error envelope with this status, code and (when given) message.</summary>
    public void AssertError(int status, string code, string? message = null)
    {
        Assert.True(Status == status, $"expected {status}, got {Status}: {Text}");
        Assert.Equal(code, (string?)Body?["code"]);
        if (message is not null) Assert.Equal(message, (string?)Body!["error"]);
        Assert.StartsWith("req_", (string?)Body!["request_id"] ?? "", StringComparison.Ordinal);
    }
}

/// <summary>Small request helpers shared by the fault cases.</summary>
public static class Api
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static string RoomMessage(string id, string room = "r", string from = "a", string text = "x") =>
        $$"""{"id":"{{id}}","target":{"kind":"room","room_id":"{{room}}"},"from":{"type":"agent","id":"{{from}}"},"parts":[{"kind":"text","text":"{{text}}"}]}""";

    public static async Task<Answer> PostAsync(this HttpClient http, string path, string body, CancellationToken ct = default)
    {
        using var res = await http.PostAsync(path, Json(body), ct);
        return await ReadAsync(res, ct);
    }

    public static async Task<Answer> PostBytesAsync(this HttpClient http, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var res = await http.PostAsync(path, content);
        return await ReadAsync(res, default);
    }

    public static async Task<Answer> GetAnswerAsync(this HttpClient http, string path)
    {
        using var res = await http.GetAsync(path);
        return await ReadAsync(res, default);
    }

    private static async Task<Answer> ReadAsync(HttpResponseMessage res, CancellationToken ct)
    {
        var text = await res.Content.ReadAsStringAsync(ct);
        JsonNode? body = null;
        try
        {
            body = text.Length > 0 ? JsonNode.Parse(text) : null;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return new Answer((int)res.StatusCode, body, text);
    }

    public static async Task CreateRoomAsync(this HttpClient http, string id, params string[] members)
    {
        var r = await http.PostAsync("/v1/rooms", new JsonObject { ["id"] = id, ["members"] = new JsonArray([.. members.Select(m => JsonValue.Create(m))]) }.ToJsonString());
        Assert.True(r.Status == 201, r.Text);
    }

    /// <summary>Every message id of a history route, oldest first, following <c>next_before</c> across pages.</summary>
    public static async Task<List<string>> HistoryAsync(this HttpClient http, string path)
    {
        var pages = new List<List<string>>();
        string? before = null;
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonNode>($"{path}?limit=500{(before is null ? "" : $"&before={before}")}");
            pages.Add([.. page!["messages"]!.AsArray().Select(m => (string)m!["id"]!)]);
            if (!(bool)page["page"]!["has_more"]!) break;
            before = (string)page["page"]!["next_before"]!;
        }
        pages.Reverse();
        return [.. pages.SelectMany(p => p)];
    }

    /// <summary>The message id inside a <c>message.created</c> event's JSON.</summary>
    public static string MessageId(string eventJson) => (string)JsonNode.Parse(eventJson)!["message"]!["id"]!;
}
