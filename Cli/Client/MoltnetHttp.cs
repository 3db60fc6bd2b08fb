using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Moltnet.Cli.Client;

/// <summary>The CLI's HTTP client: Bearer auth, JSON bodies, and the spec's failure messages
/// (<c>moltnet &lt;METHOD&gt; &lt;url&gt; returned &lt;status&gt;: &lt;body&gt;</c>, <c>cannot reach Moltnet at &lt;url&gt;: …</c>).</summary>
public sealed class MoltnetHttp : IDisposable
{
    private readonly HttpClient _http;

    public MoltnetHttp(string baseUrl, string? token, TimeSpan? timeout = null)
    {
        BaseUrl = baseUrl.TrimEnd('/');
        Token = token;
        _http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd($"moltnet-cli/{Commands.VersionCommand.Version}");
        if (!string.IsNullOrEmpty(token)) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public string BaseUrl { get; }
    public string? Token { get; }

    public Task<JsonNode?> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);
    public Task<JsonNode?> PostAsync(string path, JsonNode body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);
    public Task<JsonNode?> PatchAsync(string path, JsonNode body, CancellationToken ct) => SendAsync(HttpMethod.Patch, path, body, ct);
    public Task<JsonNode?> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        var text = await SendTextAsync(method, path, body, ct);
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            throw new CliException($"moltnet {method} {Url(path)} returned invalid JSON: {Trim(text)}");
        }
    }

    /// <summary>Sends a request and returns the body of a 2xx answer as text.</summary>
    public async Task<string> SendTextAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, Url(path));
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new CliException($"moltnet {method} {request.RequestUri} returned {(int)response.StatusCode}{(text.Trim().Length > 0 ? ": " + Trim(text) : "")}");
        return text;
    }

    /// <summary>Sends without reading the body (streams); unreachable servers become a clear <see cref="CliException"/>.</summary>
    public async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach Moltnet at {BaseUrl}: {e.Message}");
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"cannot reach Moltnet at {BaseUrl}: request timed out ({e.Message})");
        }
    }

    public string Url(string path) => BaseUrl + path;

    /// <summary>A no-timeout client for long-lived streams, sharing the auth header.</summary>
    public HttpClient CreateStreamClient()
    {
        var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(Token)) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private static string Trim(string text) => text.Trim().Length > 2000 ? text.Trim()[..2000] + "…" : text.Trim();

    public void Dispose() => _http.Dispose();
}
