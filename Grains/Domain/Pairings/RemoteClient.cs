using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Moltnet.Configuration;

namespace Moltnet.Grains.Domain.Pairings;

/// <summary>Outbound HTTP to paired networks (spec §6): one pooled <see cref="SocketsHttpHandler"/>, the pairing token as
/// <c>Authorization: Bearer</c> on each request (never a default header, never logged), a timeout per call and a 1 MiB
/// response cap. Failures come back as <see cref="RemoteCallException"/> whose message never holds the token or the URL.</summary>
public sealed class RemoteClient : IDisposable
{
    public const int MaxResponseBytes = 1 << 20;

    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    public RemoteClient(MoltnetConfig config)
    {
        _timeout = config.Relay.RequestTimeout;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = _timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AllowAutoRedirect = false, // a redirect would carry the token elsewhere
            UseCookies = false,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = MaxResponseBytes };
    }

    public Task<RemoteResponse> GetAsync(PairingConfig pairing, string pathAndQuery, CancellationToken ct) =>
        SendAsync(pairing, HttpMethod.Get, pathAndQuery, null, ct);

    public Task<RemoteResponse> PostJsonAsync(PairingConfig pairing, string path, string json, CancellationToken ct) =>
        SendAsync(pairing, HttpMethod.Post, path, json, ct);

    private async Task<RemoteResponse> SendAsync(PairingConfig pairing, HttpMethod method, string pathAndQuery, string? json, CancellationToken ct)
    {
        var what = $"{method.Method} {pathAndQuery.Split('?')[0]}";
        using var request = new HttpRequestMessage(method, Combine(pairing.RemoteBaseUrl, pathAndQuery));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (pairing.Token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pairing.Token);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadCappedAsync(response, timeout.Token);
            return new RemoteResponse((int)response.StatusCode, body);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new RemoteCallException($"{what} timed out after {_timeout.TotalSeconds:0.###}s", null);
        }
        catch (HttpRequestException e)
        {
            throw new RemoteCallException($"{what} failed: {Describe(e.HttpRequestError, e.StatusCode)}", null);
        }
        catch (IOException e)
        {
            // The body broke off after the headers (premature end, connection reset): reading the content stream throws
            // HttpIOException or a plain IOException, not HttpRequestException.
            var error = e is HttpIOException { HttpRequestError: not HttpRequestError.Unknown } io ? io.HttpRequestError : HttpRequestError.ResponseEnded;
            throw new RemoteCallException($"{what} failed: {Describe(error, null)}", null);
        }
        catch (RemoteCallException e)
        {
            throw new RemoteCallException($"{what} failed: {e.Message}", null);
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes) throw new RemoteCallException("response larger than 1 MiB", null);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > MaxResponseBytes) throw new RemoteCallException("response larger than 1 MiB", null);
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>A short cause without the URL (which may carry user info) or anything the server sent.</summary>
    private static string Describe(HttpRequestError error, HttpStatusCode? status) => error switch
    {
        HttpRequestError.ConnectionError => "could not connect",
        HttpRequestError.NameResolutionError => "name resolution failed",
        HttpRequestError.SecureConnectionError => "TLS handshake failed",
        HttpRequestError.ResponseEnded => "the connection closed before a complete response",
        HttpRequestError.InvalidResponse => "invalid HTTP response",
        _ => status is { } s ? $"HTTP {(int)s}" : "request failed",
    };

    private static Uri Combine(string baseUrl, string pathAndQuery) => new(baseUrl.TrimEnd('/') + pathAndQuery);

    public void Dispose() => _http.Dispose();
}

/// <summary>A remote answer: status and body (at most 1 MiB).</summary>
public sealed record RemoteResponse(int Status, byte[] Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    public string Describe() => $"HTTP {Status} {ReasonPhrase(Status)}".TrimEnd();

    private static string ReasonPhrase(int status) =>
        Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : "";
}

/// <summary>A remote call that did not produce a usable answer; the message is safe to show and log.</summary>
public sealed class RemoteCallException(string message, Exception? inner) : Exception(message, inner);
