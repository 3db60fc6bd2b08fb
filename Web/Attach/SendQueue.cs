using System.Collections.Concurrent;

namespace Moltnet.Web.Attach;

/// <summary>The frames waiting for one session's socket: several producers (delivery, heartbeat, reader), one send at a
/// time. No lock and no thread hop per frame: a producer that finds no send running drains the queue itself, in order,
/// until it is empty (a send that has to wait for the socket continues on its completion). Bounded by a counter.</summary>
internal sealed class SendQueue<T>(int capacity, Func<T, ValueTask> send, Action<T, Exception> failed)
{
    private static readonly TimeSpan RoomPoll = TimeSpan.FromMilliseconds(5);
    private readonly ConcurrentQueue<T> _items = new();
    private int _count;
    private int _draining;
    private volatile bool _completed;
    private Task _drain = Task.CompletedTask;

    /// <summary>Queues <paramref name="item"/>; false only when the queue is full. After <see cref="Complete"/> items are
    /// dropped (the session is closing) and the answer is true.</summary>
    public bool TryWrite(T item)
    {
        if (_completed) return true;
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }
        _items.Enqueue(item);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0) _drain = DrainAsync();
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

    /// <summary>Stops sending after the frame in flight and drops what is queued; the task completes when no send runs
    /// (or when <paramref name="timeout"/> passes: false, the send is stuck on the socket).</summary>
    public async Task<bool> CompleteAsync(TimeSpan timeout, TimeProvider time)
    {
        _completed = true;
        var drain = Volatile.Read(ref _drain);
        return await Task.WhenAny(drain, Task.Delay(timeout, time)) == drain;
    }

    private async Task DrainAsync()
    {
        T current = default!;
        try
        {
            do
            {
                while (!_completed && _items.TryDequeue(out current!))
                {
                    Interlocked.Decrement(ref _count);
                    await send(current);
                }
                Volatile.Write(ref _draining, 0);
            }
            // A producer may have queued after the last dequeue and lost the race for the flag: take it back.
            while (!_completed && !_items.IsEmpty && Interlocked.CompareExchange(ref _draining, 1, 0) == 0);
        }
        catch (Exception e)
        {
            _completed = true;
            Volatile.Write(ref _draining, 0);
            failed(current, e);
        }
    }
}
