using Moltnet.Runtime;

namespace Moltnet.Grains.Runtime;

/// <summary>
/// Base class of grain implementations: a single-writer actor addressed by a string key. The runtime creates the
/// instance through DI, sets <see cref="GrainKey"/> and <see cref="GrainFactory"/>, then calls
/// <see cref="OnActivateAsync"/>. Calls to one activation run one at a time, each to completion (no reentrancy).
/// </summary>
public abstract class Grain
{
    private GrainRuntime? _runtime;
    private string? _key;

    /// <summary>The string key this activation serves.</summary>
    protected string GrainKey => _key ?? throw NotInitialized();

    /// <summary>Hands out references to other grains. Calling this grain's own reference from inside a call deadlocks.</summary>
    protected IGrainFactory GrainFactory => _runtime ?? throw NotInitialized();

    /// <summary>The stable name of the grain type, used as the storage namespace of its state.</summary>
    internal string GrainTypeName { get; private set; } = "";

    internal GrainRuntime Runtime => _runtime ?? throw NotInitialized();

    /// <summary>Set by <see cref="DeactivateOnIdle"/>; read by the runtime at the end of each call.</summary>
    internal bool DeactivationRequested { get; private set; }

    /// <summary>Runs once per activation, after state is loaded and before the first call.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once when the activation is deactivated (idle, on request, or at shutdown); holds the turn.</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current call completes; the next call activates a fresh one.</summary>
    protected void DeactivateOnIdle() => DeactivationRequested = true;

    internal void Initialize(GrainRuntime runtime, string grainTypeName, string key)
    {
        _runtime = runtime;
        GrainTypeName = grainTypeName;
        _key = key;
    }

    /// <summary>Loads persisted state before <see cref="OnActivateAsync"/>; stateless grains have none.</summary>
    internal virtual Task LoadStateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static InvalidOperationException NotInitialized() =>
        new("The grain is not initialized yet: GrainKey, GrainFactory and state are available from OnActivateAsync on, not in the constructor.");
}
