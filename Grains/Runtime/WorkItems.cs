namespace Moltnet.Grains.Runtime;

/// <summary>One turn of an activation: a call or a deactivation. Runs in the execution context of whoever queued it
/// (so AsyncLocal values such as Activity.Current flow into the grain), and never throws.</summary>
internal abstract class WorkItem
{
    private readonly ExecutionContext? _context = ExecutionContext.Capture();
    private GrainActivation? _activation;
    private Task? _turn;

    public Task RunAsync(GrainActivation activation)
    {
        if (_context is null)
        {
            return ExecuteAsync(activation);
        }

        _activation = activation;
        ExecutionContext.Run(_context, static state =>
        {
            var item = (WorkItem)state!;
            item._turn = item.ExecuteAsync(item._activation!);
        }, this);
        return _turn!;
    }

    protected abstract Task ExecuteAsync(GrainActivation activation);
}

/// <summary>A call to a grain method. Cancelling its token while it waits for its turn cancels it without running it;
/// once started, only the grain method itself observes the token.</summary>
internal sealed class CallItem<T> : WorkItem
{
    private const int Queued = 0;
    private const int Started = 1;
    private const int Canceled = 2;

    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly GrainMethod<T> _method;
    private readonly object?[] _args;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenRegistration _registration;
    private int _state;

    public CallItem(GrainMethod<T> method, object?[] args, CancellationToken cancellationToken)
    {
        _method = method;
        _args = args;
        _cancellationToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static state => ((CallItem<T>)state!).CancelQueued(), this);
        }
    }

    public Task<T> Task => _completion.Task;

    protected override async Task ExecuteAsync(GrainActivation activation)
    {
        if (Interlocked.CompareExchange(ref _state, Started, Queued) != Queued)
        {
            return;
        }

        _registration.Unregister();
        Grain? grain = null;
        try
        {
            grain = await activation.EnsureActivatedAsync();
            if (activation.Registration.Reentrant)
            {
                // A [Reentrant] grain holds no mutable state: the call runs outside the turn, so calls interleave.
                _ = CompleteOutsideTurnAsync(activation, grain);
                return;
            }

            var result = await _method.InvokeAsync(grain, _args);
            activation.Touch();
            _completion.TrySetResult(result);
        }
        catch (Exception ex)
        {
            activation.Touch();
            _completion.TrySetException(ex);
        }

        if (grain is { DeactivationRequested: true })
        {
            await activation.DeactivateAsync(CancellationToken.None);
        }
    }

    private async Task CompleteOutsideTurnAsync(GrainActivation activation, Grain grain)
    {
        try
        {
            _completion.TrySetResult(await _method.InvokeAsync(grain, _args));
        }
        catch (Exception ex)
        {
            _completion.TrySetException(ex);
        }

        activation.Touch();
    }

    private void CancelQueued()
    {
        if (Interlocked.CompareExchange(ref _state, Canceled, Queued) == Queued)
        {
            _completion.TrySetCanceled(_cancellationToken);
        }
    }
}

/// <summary>Deactivates the activation in turn order; with <c>onlyIfIdle</c> it does nothing when a call ran since
/// the sweep chose it.</summary>
internal sealed class DeactivationItem(bool onlyIfIdle, CancellationToken cancellationToken) : WorkItem
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completion => _completion.Task;

    protected override async Task ExecuteAsync(GrainActivation activation)
    {
        if (!onlyIfIdle || activation.IsIdleInTurn())
        {
            await activation.DeactivateAsync(cancellationToken);
        }

        _completion.TrySetResult();
    }
}
