using System.Text;
using System.Text.RegularExpressions;
using Moltnet.Configuration;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;
using Moltnet.Web.Streaming;

namespace Moltnet.Web.Api;

/// <summary><c>GET /v1/events/stream</c>: server-sent events, resumable by <c>Last-Event-ID</c> from the durable log.</summary>
public static partial class EventsApi
{
    /// <summary>How often an idle stream gets a <c>: keep-alive</c> comment.</summary>
    public static TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:+@/-]{0,127}\z")]
    private static partial Regex EventType();

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/events/stream", Stream).AllowPublicRead(Scopes.Observe, Scopes.Admin);
        return app;
    }

    private static async Task Stream(HttpContext http, IEventFeed feed, StreamLimiter limiter, EventVisibility visibility, OriginPolicy origins,
        Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime)
    {
        if (!origins.BrowserOriginAllowed(http)) throw MoltnetException.Forbidden("origin not allowed");
        var caller = http.Caller();
        using var lease = limiter.TryAcquire(caller.Identity);
        if (lease is null)
        {
            await ErrorEnvelope.WriteAsync(http, 503, "");
            return;
        }
        var cursor = http.Request.Headers["Last-Event-ID"].ToString();
        if (cursor.Length == 0) cursor = http.Request.Query["last_event_id"].ToString();
        if (!Ids.IsValid(cursor)) cursor = "";
        // A stopping server ends its streams at once (clients resume elsewhere by Last-Event-ID) instead of holding shutdown.
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = stream.Token;
        await using var subscription = await feed.SubscribeAsync(cursor.Length == 0 ? null : cursor, ct);

        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no"; // proxies (nginx) pass events through unbuffered
        if (HttpProtocol.IsHttp11(http.Request.Protocol)) http.Response.Headers.Connection = "keep-alive";
        var body = http.Response.Body;
        await body.WriteAsync(": stream-open\n\n"u8.ToArray(), ct);
        await body.FlushAsync(ct);

        await using var items = subscription.ReadAllAsync(ct).GetAsyncEnumerator(ct);
        var next = items.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = next.IsCompleted ? await next : await next.WaitAsync(KeepAlive, ct);
                }
                catch (TimeoutException)
                {
                    await body.WriteAsync(": keep-alive\n\n"u8.ToArray(), ct);
                    await body.FlushAsync(ct);
                    continue;
                }
                if (!more) break;
                var item = items.Current;
                if (item.Lagged) await body.WriteAsync(": lagging, catching up from the event log\n\n"u8.ToArray(), ct);
                else if (item.Logged is { } e && await visibility.VisibleAsync(caller, e, ct)) await WriteEvent(body, e, ct);
                next = items.MoveNextAsync().AsTask();
                if (!next.IsCompleted) await body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Client went away, or the server is stopping.
        }
        finally
        {
            await Task.WhenAny(next); // let the pending read observe cancellation before the enumerator is disposed
        }
    }

    private static readonly Func<LoggedEvent, byte[]> Frame = BuildFrame;

    /// <summary>The SSE frame of an event, built once and shared by every stream that carries it. Its data line is the
    /// JSON the log stored when the feed has it (no second serialisation, and no decoding, of every event on every
    /// replica). Events whose id or type could not be framed safely are skipped (an empty frame).</summary>
    private static async Task WriteEvent(Stream body, LoggedEvent e, CancellationToken ct)
    {
        using var activity = Telemetry.StartDelivery(e);
        var frame = e.Encoded(Frame);
        if (frame.Length > 0) await body.WriteAsync(frame, ct);
    }

    /// <summary><c>id: …\nevent: …\ndata: …\n\n</c>, written straight into one array. The stored JSON is
    /// <see cref="MoltnetJson"/>'s compact form (the storage contract checks it), which has no line break to end the data
    /// line early (checked here all the same); the id and type are ASCII (checked here).</summary>
    private static byte[] BuildFrame(LoggedEvent e)
    {
        if (!EventType().IsMatch(e.Type) || !Ids.IsValid(e.Id)) return [];
        var json = e.HasUtf8Json ? null : e.Json ?? MoltnetJson.Serialize(e.Event);
        // A stored payload with a line break (not written by this server) would end the data line early: re-serialise.
        if (json is null ? e.Utf8Json.IndexOfAny((byte)'\n', (byte)'\r') >= 0 : json.AsSpan().IndexOfAny('\n', '\r') >= 0)
            json = MoltnetJson.Serialize(e.Event);
        var jsonLength = json is null ? e.Utf8Json.Length : Encoding.UTF8.GetByteCount(json);
        var frame = new byte["id: "u8.Length + e.Id.Length + "\nevent: "u8.Length + e.Type.Length + "\ndata: "u8.Length + jsonLength + 2];
        var rest = frame.AsSpan();
        rest = Put(rest, "id: "u8);
        rest = rest[Encoding.ASCII.GetBytes(e.Id, rest)..];
        rest = Put(rest, "\nevent: "u8);
        rest = rest[Encoding.ASCII.GetBytes(e.Type, rest)..];
        rest = Put(rest, "\ndata: "u8);
        rest = json is null ? Put(rest, e.Utf8Json) : rest[Encoding.UTF8.GetBytes(json, rest)..];
        Put(rest, "\n\n"u8);
        return frame;
    }

    private static Span<byte> Put(Span<byte> into, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(into);
        return into[bytes.Length..];
    }
}
