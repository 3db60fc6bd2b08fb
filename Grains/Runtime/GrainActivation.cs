namespace Moltnet.Grains.Runtime;

/// <summary>
/// The directory entry of one grain (type + key): a FIFO mailbox of turns, pumped one at a time, and the grain
/// instance while it is active. An entry whose mailbox drains while no instance is active is retired: it accepts no
/// more work and leaves the directory, so callers holding it queue on a fresh entry instead.
/// </summary>
internal sealed class GrainActivation(GrainRuntime runtime, GrainRegistration registration, string key)
{
    private readonly Lock _lock = new();
    private readonly Queue<WorkItem> _queue = new();
    private bool _pumping;
    private bool _retired;
    private bool _idleDeactivationQueued;
    private long _lastActive = runtime.TimeProvider.GetTimestamp();
    private volatile Grain? _instance;

    public GrainRegistration Registration => registration;

    public string Key => key;

    /// <summary>Queues a turn; false when the entry is retired (the caller then looks the grain up again).</summary>
    public bool TryEnqueue(WorkItem item)
    {
        bool startPump;
        lock (_lock)
        {
            if (_retired)
            {
                return false;
            }

            startPump = EnqueueLocked(item);
        }

        if (startPump)
        {
            StartPump();
        }

        return true;
    }

    /// <summary>Sweep: queues one deactivation turn if the instance has been idle past the collection age. The turn
    /// re-checks idleness, so a call that runs before it (or is still running now) keeps the grain active.</summary>
    public void QueueDeactivationIfIdle(long now)
    {
        bool startPump;
        lock (_lock)
        {
            if (_retired || _idleDeactivationQueued || _instance is null || !IdleLongEnough(now))
            {
                return;
            }

            _idleDeactivationQueued = true;
            startPump = EnqueueLocked(new DeactivationItem(onlyIfIdle: true, runtime.StoppingToken));
        }

        if (startPump)
        {
            StartPump();
        }
    }

    /// <summary>Inside the sweep's deactivation turn: whether the instance is still idle past the collection age.</summary>
    public bool IsIdleInTurn()
    {
        lock (_lock)
        {
            _idleDeactivationQueued = false;
        }

        return _instance is not null && IdleLongEnough(runtime.TimeProvider.GetTimestamp());
    }

    public void Touch() => Volatile.Write(ref _lastActive, runtime.TimeProvider.GetTimestamp());

    /// <summary>Within a turn: the active instance, activating a new one first if needed. If activation fails the
    /// instance is discarded and the exception goes to the caller; the next turn tries again.</summary>
    public async Task<Grain> EnsureActivatedAsync()
    {
        if (_instance is { } active)
        {
            return active;
        }

        runtime.ThrowIfDisposed();
        var grain = runtime.CreateGrain(registration, key);
        try
        {
            await grain.LoadStateAsync(runtime.StoppingToken);
            await grain.OnActivateAsync(runtime.StoppingToken);
        }
        catch (Exception ex)
        {
            Log.ActivationFailed(runtime.Logger, ex, registration.GrainTypeName, key);
            await DisposeInstanceAsync(grain);
            throw;
        }

        _instance = grain;
        runtime.OnActivated();
        Log.Activated(runtime.Logger, registration.GrainTypeName, key);
        return grain;
    }

    /// <summary>Within a turn: runs OnDeactivateAsync and drops the instance. Never throws.</summary>
    public async Task DeactivateAsync(CancellationToken cancellationToken)
    {
        var grain = _instance;
        if (grain is null)
        {
            return;
        }

        _instance = null;
        try
        {
            await grain.OnDeactivateAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            Log.DeactivationFailed(runtime.Logger, ex, registration.GrainTypeName, key);
        }

        await DisposeInstanceAsync(grain);
        runtime.OnDeactivated();
        Log.Deactivated(runtime.Logger, registration.GrainTypeName, key);
    }

    private bool IdleLongEnough(long now) =>
        runtime.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastActive), now) >= runtime.Options.CollectionAge;

    /// <summary>Queues under the lock; true when the caller must start the pump.</summary>
    private bool EnqueueLocked(WorkItem item)
    {
        _queue.Enqueue(item);
        if (_pumping)
        {
            return false;
        }

        _pumping = true;
        return true;
    }

    // Turns run on the thread pool, never inline on the caller's thread (nor its SynchronizationContext). A call made from a
    // pool thread queues the turn on that thread's local queue, as an await continuation would be: work already under way
    // (a request waiting for this turn) runs before new work from the global queue, instead of waiting behind every
    // event delivery queued meanwhile. Idle threads still steal it.
    private void StartPump() =>
        ThreadPool.UnsafeQueueUserWorkItem(static activation => _ = activation.PumpAsync(), this, preferLocal: true);

    private async Task PumpAsync()
    {
        while (true)
        {
            WorkItem? item;
            lock (_lock)
            {
                if (!_queue.TryDequeue(out item))
                {
                    _pumping = false;
                    if (_instance is null)
                    {
                        _retired = true;
                        runtime.RemoveFromDirectory(this);
                    }

                    return;
                }
            }

            try
            {
                await item.RunAsync(this);
            }
            catch (Exception ex)
            {
                // Work items complete their callers themselves; reaching this is a runtime bug, keep pumping.
                Log.TurnFailed(runtime.Logger, ex, registration.GrainTypeName, key);
            }
        }
    }

    private async Task DisposeInstanceAsync(Grain grain)
    {
        try
        {
            switch (grain)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        catch (Exception ex)
        {
            Log.DisposeFailed(runtime.Logger, ex, registration.GrainTypeName, key);
        }
    }
}
