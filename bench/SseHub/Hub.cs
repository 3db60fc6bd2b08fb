using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;

namespace Moltnet.SseHub;

/// <summary>Every open stream has an unbounded queue; a POST appends one <c>message.created</c> frame (its body as the
/// data) to each queue and answers 202. Nothing is stored, checked or authenticated.</summary>
internal sealed class Hub
{
    private static readonly byte[] Head = "event: message.created\ndata: "u8.ToArray();
    private readonly ConcurrentDictionary<long, Channel<byte[]>> _streams = new();
    private long _nextId;

    public async Task PublishAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var frame = new byte[Head.Length + body.Length + 2];
        Head.CopyTo(frame, 0);
        body.GetBuffer().AsSpan(0, (int)body.Length).CopyTo(frame.AsSpan(Head.Length));
        frame[^2] = (byte)'\n';
        frame[^1] = (byte)'\n';
        foreach (var stream in _streams.Values) stream.Writer.TryWrite(frame);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    public async Task StreamAsync(HttpContext context)
    {
        var id = Interlocked.Increment(ref _nextId);
        var queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        _streams[id] = queue;
        try
        {
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            await response.Body.WriteAsync(Encoding.ASCII.GetBytes(": stream-open\n\n"), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            while (await queue.Reader.WaitToReadAsync(context.RequestAborted))
            {
                while (queue.Reader.TryRead(out var frame)) await response.Body.WriteAsync(frame, context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _streams.TryRemove(id, out _);
        }
    }
}
