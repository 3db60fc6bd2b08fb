using System.Threading.Channels;

namespace Moltnet.Web.Attach;

/// <summary>The frames waiting for one session's socket: several producers (delivery, heartbeat, reader) and one writer.
/// Bounded by a counter over a single-reader unbounded channel rather than by a bounded channel, whose lock the producers
/// and the writer would contend for on every frame.</summary>
internal sealed class SendQueue<T>(int capacity)
{
    private static readonly TimeSpan RoomPoll = TimeSpan.FromMilliseconds(5);
    private readonly Channel<T> _channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private int _count;

    /// <summary>Queues <paramref name="item"/>; false only when the queue is full. After <see cref="Complete"/> items are
    /// dropped (the session is closing) and the answer is true.</summary>
    public bool TryWrite(T item)
    {
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }
        if (!_channel.Writer.TryWrite(item)) Interlocked.Decrement(ref _count);
        return true;
    }

    /// <summary>Queues <paramref name="item"/>, waiting up to <paramref name="grace"/> for room; false when the queue stayed
    /// full (the client is not draining its socket). Only a slow consumer takes the waiting path.</summary>
    public async ValueTask<bool> WriteAsync(T item, TimeSpan grace, TimeProvider time, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (!TryWrite(item))
        {
            if (time.GetElapsedTime(started) >= grace) return false;
            await Task.Delay(RoomPoll, time, ct);
        }
        return true;
    }

    public bool TryRead(out T item)
    {
        if (!_channel.Reader.TryRead(out item!)) return false;
        Interlocked.Decrement(ref _count);
        return true;
    }

    public ValueTask<bool> WaitToReadAsync() => _channel.Reader.WaitToReadAsync();

    public void Complete() => _channel.Writer.TryComplete();
}
