namespace Moltnet.Grains.Runtime;

/// <summary>Idle collection and shutdown.</summary>
public sealed partial class GrainRuntime
{
    /// <summary>Deactivates every activation, each in its turn (after the calls queued before it), and waits for them.</summary>
    public async Task DeactivateAllAsync(CancellationToken cancellationToken = default)
    {
        var pending = new List<Task>();
        foreach (var activation in _directory.Values)
        {
            var item = new DeactivationItem(onlyIfIdle: false, cancellationToken);
            if (activation.TryEnqueue(item))
            {
                pending.Add(item.Completion);
            }
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    /// <summary>Stops the idle sweep, refuses new calls and deactivates every activation.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _collectionTimer.DisposeAsync();
        try
        {
            await DeactivateAllAsync(CancellationToken.None);
        }
        finally
        {
            // Not disposed: grains may still hold StoppingToken and register on it.
            await _stopping.CancelAsync();
        }
    }

    /// <summary>Timer callback: queues a deactivation on each activation idle past the collection age, and forgets
    /// references to grains that have no activation.</summary>
    private void CollectIdle()
    {
        if (Interlocked.Exchange(ref _collecting, 1) == 1)
        {
            return;
        }

        try
        {
            var now = TimeProvider.GetTimestamp();
            foreach (var activation in _directory.Values)
            {
                activation.QueueDeactivationIfIdle(now);
            }

            foreach (var id in _references.Keys)
            {
                if (!_directory.ContainsKey((_registry.Get(id.Interface), id.Key)))
                {
                    _references.TryRemove(id, out _);
                }
            }
        }
        catch (Exception ex)
        {
            Log.CollectionFailed(Logger, ex);
        }
        finally
        {
            Volatile.Write(ref _collecting, 0);
        }
    }
}
