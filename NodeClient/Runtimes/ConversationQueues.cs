using Moltnet.Wire;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>
/// One queue per session key (spec node-and-cli §3, CLI engine): a wake is accepted by enqueueing it; one drain task per
/// key runs everything pending as one batch, so a conversation never has two runs at once while different conversations
/// run in parallel. Messages that arrive during a run form the next batch. A batch that keeps failing is retried
/// <c>attempts</c> times, then dropped (logged); each wake's returned task completes when its batch is done.
/// </summary>
public sealed class ConversationQueues(Func<string, IReadOnlyList<Wake>, CancellationToken, Task> run, int capacity, int attempts, Action<string, Exception> onFailed)
{
    public const int DefaultCapacity = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<(Wake Wake, TaskCompletionSource Done)>> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _draining = new(StringComparer.Ordinal);
    private readonly List<Task> _drains = [];
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Queues the wake under <paramref name="key"/>; the returned task completes when it has been run.</summary>
    /// <exception cref="InvalidOperationException">The conversation already has <c>capacity</c> pending wakes.</exception>
    public Task Enqueue(string key, Wake wake)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (!_pending.TryGetValue(key, out var list)) _pending[key] = list = [];
            if (list.Count >= capacity) throw new InvalidOperationException($"queue for {key} is full ({capacity} pending)");
            list.Add((wake, done));
            if (_draining.Add(key))
            {
                _drains.RemoveAll(t => t.IsCompleted);
                _drains.Add(Task.Run(() => DrainAsync(key), CancellationToken.None));
            }
        }
        return done.Task;
    }

    private async Task DrainAsync(string key)
    {
        while (true)
        {
            List<(Wake Wake, TaskCompletionSource Done)> batch;
            lock (_lock)
            {
                if (!_pending.TryGetValue(key, out var list) || list.Count == 0 || _stop.IsCancellationRequested)
                {
                    _pending.Remove(key);
                    _draining.Remove(key);
                    return;
                }
                batch = [.. list];
                list.Clear();
            }
            Exception? failure = null;
            for (var attempt = 1; attempt <= attempts; attempt++)
            {
                try
                {
                    await run(key, batch.Select(b => b.Wake).ToList(), _stop.Token);
                    failure = null;
                    break;
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    foreach (var b in batch) b.Done.TrySetCanceled();
                    return;
                }
                catch (Exception e)
                {
                    failure = e;
                    if (attempt < attempts) await Task.Delay(Daemon.Backoff.Delay(attempt, Random.Shared), CancellationToken.None);
                }
            }
            if (failure is not null) onFailed(key, failure);
            foreach (var b in batch)
            {
                if (failure is null) b.Done.TrySetResult();
                else b.Done.TrySetException(failure);
            }
        }
    }

    /// <summary>Stops taking batches and waits for the running ones (pending wakes are left for the next start to replay).</summary>
    public async ValueTask StopAsync()
    {
        Task[] drains;
        lock (_lock) drains = [.. _drains];
        await _stop.CancelAsync();
        await Task.WhenAll(drains.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        lock (_lock)
            foreach (var list in _pending.Values)
                foreach (var b in list) b.Done.TrySetCanceled();
    }
}
