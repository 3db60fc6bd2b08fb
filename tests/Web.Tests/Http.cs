using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Moltnet.Web.Tests;

/// <summary>Small HTTP helpers returning status and parsed JSON.</summary>
public static class Http
{
    public static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Send(
        this HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var req = new HttpRequestMessage(method, path);
        if (json is not null) req.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var res = await client.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (text.Length > 0 && res.Content.Headers.ContentType?.MediaType == "application/json") body = JsonNode.Parse(text);
        return (res.StatusCode, body, res);
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Get(this HttpClient c, string path) =>
        c.Send(HttpMethod.Get, path);

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Post(this HttpClient c, string path, string json) =>
        c.Send(HttpMethod.Post, path, json);

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Patch(this HttpClient c, string path, string json) =>
        c.Send(HttpMethod.Patch, path, json);

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Delete(this HttpClient c, string path) =>
        c.Send(HttpMethod.Delete, path);

    /// <summary>Asserts the error envelope: status, code, message and request id.</summary>
    public static void AssertError(this (HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response) r, int status, string code, string? message = null)
    {
        Assert.Equal(status, (int)r.Status);
        Assert.NotNull(r.Body);
        Assert.Equal(code, (string?)r.Body!["code"]);
        if (message is not null) Assert.Equal(message, (string?)r.Body["error"]);
        Assert.Equal(r.Response.Headers.GetValues("X-Request-Id").Single(), (string?)r.Body["request_id"]);
    }
}
