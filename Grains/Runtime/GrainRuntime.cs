using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moltnet.Runtime;

namespace Moltnet.Grains.Runtime;

/// <summary>
/// The in-process grain runtime: hands out grain references, activates grains by key on their first call, runs the
/// calls of each activation one at a time in FIFO order (no reentrancy: a call's whole async method completes before
/// the next starts), runs different grains in parallel, and deactivates idle activations.
/// </summary>
/// <remarks>A grain that calls itself, or a cycle of grains calling each other, deadlocks (as in Orleans without
/// reentrancy). References are cheap and equivalent; do not compare them by identity.</remarks>
public sealed partial class GrainRuntime : IGrainFactory, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly GrainRegistry _registry;
    private readonly ConcurrentDictionary<(Type Interface, string Key), object> _references = new();
    private readonly ConcurrentDictionary<(GrainRegistration Registration, string Key), GrainActivation> _directory = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _collectionTimer;
    private IGrainStorage? _storage;
    private long _activeCount;
    private long _totalActivations;
    private int _collecting;
    private volatile bool _disposed;

    internal GrainRuntime(IServiceProvider services, GrainRegistry registry, GrainRuntimeOptions options, TimeProvider timeProvider, ILogger logger)
    {
        options.Validate();
        _services = services;
        _registry = registry;
        Options = options;
        TimeProvider = timeProvider;
        Logger = logger;
        StoppingToken = _stopping.Token;
        var period = options.CollectionQuantum < options.CollectionAge ? options.CollectionQuantum : options.CollectionAge;
        _collectionTimer = timeProvider.CreateTimer(static state => ((GrainRuntime)state!).CollectIdle(), this, period, period);
    }

    /// <summary>Activations currently active.</summary>
    public long ActiveCount => Interlocked.Read(ref _activeCount);

    /// <summary>Activations created since start (successful activations only).</summary>
    public long TotalActivations => Interlocked.Read(ref _totalActivations);

    internal GrainRuntimeOptions Options { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    /// <summary>Cancelled when the runtime is disposed; passed to activation and idle deactivation.</summary>
    internal CancellationToken StoppingToken { get; }

    /// <summary>Test hook: runs between a call's directory lookup and its enqueue (the window where the entry can retire).</summary>
    internal Action<GrainActivation>? AfterLookup { get; set; }

    internal IGrainStorage Storage => _storage ??= _services.GetService<IGrainStorage>()
        ?? throw new InvalidOperationException(
            "Grains with state need an IGrainStorage: call UseInMemoryStorage() or UseStoreStorage() in AddGrainRuntime, or register one.");

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No implementation is registered for <typeparamref name="TGrain"/>.</exception>
    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfDisposed();
        return (TGrain)_references.GetOrAdd((typeof(TGrain), key), static (id, runtime) => runtime.CreateReference(id.Interface, id.Key), this);
    }

    internal Task<T> InvokeAsync<T>(GrainRegistration registration, string key, GrainMethod<T> method, object?[] args)
    {
        if (_disposed)
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(GrainRuntime)));
        }

        var cancellationToken = method.GetCancellationToken(args);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var call = new CallItem<T>(method, args, cancellationToken);
        while (true)
        {
            var activation = _directory.GetOrAdd((registration, key), static (id, runtime) => new GrainActivation(runtime, id.Registration, id.Key), this);
            AfterLookup?.Invoke(activation);
            if (activation.TryEnqueue(call))
            {
                return call.Task;
            }

            // The entry retired (deactivated) between lookup and enqueue: drop it and queue on a fresh one.
            RemoveFromDirectory(activation);
        }
    }

    internal Grain CreateGrain(GrainRegistration registration, string key)
    {
        Grain grain;
        try
        {
            grain = (Grain)ActivatorUtilities.CreateInstance(_services, registration.ImplementationType);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }

        grain.Initialize(this, registration.GrainTypeName, key);
        return grain;
    }

    internal void RemoveFromDirectory(GrainActivation activation) =>
        _directory.TryRemove(KeyValuePair.Create((activation.Registration, activation.Key), activation));

    internal void OnActivated()
    {
        Interlocked.Increment(ref _activeCount);
        Interlocked.Increment(ref _totalActivations);
    }

    internal void OnDeactivated() => Interlocked.Decrement(ref _activeCount);

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private object CreateReference(Type interfaceType, string key)
    {
        var registration = _registry.Get(interfaceType);
        var proxy = (GrainProxy)DispatchProxy.Create(interfaceType, typeof(GrainProxy));
        proxy.Bind(this, registration, key);
        return proxy;
    }
}
