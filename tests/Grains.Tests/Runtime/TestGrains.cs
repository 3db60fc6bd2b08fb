using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Moltnet.Grains.Runtime;
using Moltnet.Runtime;

namespace Moltnet.Grains.Tests.Runtime;

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Increments and persists the count; records overlapping calls in the probe.</summary>
    ValueTask<int> IncrementAsync();

    Task<int> GetAsync();

    Task AddAsync(int amount);

    ValueTask ResetAsync();

    Task<long> GetVersionAsync();

    /// <summary>Re-reads state from storage and returns the count.</summary>
    Task<int> ReloadAsync();

    /// <summary>Asks to be deactivated after this call.</summary>
    Task DeactivateAsync();

    Task ThrowAsync(string message);

    Task ThrowSynchronously(string message);

    Task<T> EchoAsync<T>(T value);

    ValueTask<string?> NothingAsync();

    Task<bool> TakeTokenAsync(CancellationToken cancellationToken);

    /// <summary>Signals "blocked:{key}" and waits for the probe's call gate.</summary>
    Task BlockAsync();

    /// <summary>Waits at the probe's barrier with the other participants.</summary>
    Task MeetAsync();

    Task<string?> ReadAmbientAsync();
}

public interface IPingGrain : IGrainWithStringKey
{
    Task<string> KeyAsync();

    /// <summary>Calls <paramref name="other"/>'s <see cref="KeyAsync"/> and answers "{own key}->{other key}".</summary>
    Task<string> PingAsync(string other);
}

public interface IUnregisteredGrain : IGrainWithStringKey
{
    Task DoAsync();
}

public interface IBadGrain : IGrainWithStringKey
{
    int NotAsync();
}

public sealed class CounterState
{
    public int Count { get; set; }
}

[JsonSerializable(typeof(CounterState))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

public sealed class GrainTestException(string message) : Exception(message);

public sealed class ActivationTestException() : Exception("activation failed on purpose");

/// <summary>Observes test grains: overlap detection, activation counts and named phase signals.</summary>
public sealed class GrainProbe
{
    public static readonly AsyncLocal<string?> Ambient = new();

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private int _inFlight;
    private int _maxInFlight;
    private int _activationFailures;
    private int _arrived;
    private readonly TaskCompletionSource _barrier = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int BarrierParticipants { get; set; } = 2;

    public TaskCompletionSource CallGate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource? DeactivationGate { get; set; }

    public CancellationToken LastToken { get; set; }

    public void FailNextActivations(int count) => Volatile.Write(ref _activationFailures, count);

    public bool ConsumeActivationFailure() => Interlocked.Decrement(ref _activationFailures) >= 0;

    public void Enter()
    {
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    public int Count(string name) => _counts.GetValueOrDefault(name);

    /// <summary>Counts an occurrence of <paramref name="name"/> and signals "{name}:{n}".</summary>
    public int Record(string name)
    {
        var n = _counts.AddOrUpdate(name, 1, (_, c) => c + 1);
        Signal($"{name}:{n}");
        return n;
    }

    public void Signal(string name) => GetSignal(name).TrySetResult();

    public Task WaitAsync(string name) => GetSignal(name).Task.WaitAsync(TimeSpan.FromSeconds(10));

    public Task ArriveAsync()
    {
        if (Interlocked.Increment(ref _arrived) == BarrierParticipants)
        {
            _barrier.TrySetResult();
        }

        return _barrier.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private TaskCompletionSource GetSignal(string name) =>
        _signals.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

public sealed class CounterGrain(GrainProbe probe) : Grain<CounterState>, ICounterGrain
{
    protected override JsonTypeInfo<CounterState> StateTypeInfo => TestJsonContext.Default.CounterState;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"attempt:{GrainKey}");
        if (probe.ConsumeActivationFailure())
        {
            throw new ActivationTestException();
        }

        probe.Record($"activated:{GrainKey}");
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"deactivating:{GrainKey}");
        if (probe.DeactivationGate is { } gate)
        {
            await gate.Task;
        }

        probe.Record($"deactivated:{GrainKey}");
    }

    public async ValueTask<int> IncrementAsync()
    {
        probe.Enter();
        try
        {
            await Task.Yield();
            State.Count++;
            await WriteStateAsync();
            await Task.Yield();
            return State.Count;
        }
        finally
        {
            probe.Exit();
        }
    }

    public Task<int> GetAsync() => Task.FromResult(State.Count);

    public async Task AddAsync(int amount)
    {
        await Task.Yield();
        State.Count += amount;
        await WriteStateAsync();
    }

    public async ValueTask ResetAsync() => await ClearStateAsync();

    public Task<long> GetVersionAsync() => Task.FromResult(StateVersion);

    public async Task<int> ReloadAsync()
    {
        await ReadStateAsync();
        return State.Count;
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task ThrowAsync(string message)
    {
        await Task.Yield();
        throw new GrainTestException(message);
    }

    public Task ThrowSynchronously(string message) => throw new GrainTestException(message);

    public async Task<T> EchoAsync<T>(T value)
    {
        await Task.Yield();
        return value;
    }

    public ValueTask<string?> NothingAsync() => ValueTask.FromResult<string?>(null);

    public Task<bool> TakeTokenAsync(CancellationToken cancellationToken)
    {
        probe.Record($"token:{GrainKey}");
        probe.LastToken = cancellationToken;
        return Task.FromResult(cancellationToken.CanBeCanceled);
    }

    public async Task BlockAsync()
    {
        probe.Signal($"blocked:{GrainKey}");
        await probe.CallGate.Task;
    }

    public Task MeetAsync() => probe.ArriveAsync();

    public Task<string?> ReadAmbientAsync() => Task.FromResult(GrainProbe.Ambient.Value);
}

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<string> KeyAsync() => Task.FromResult(GrainKey);

    public async Task<string> PingAsync(string other) =>
        $"{GrainKey}->{await GrainFactory.GetGrain<IPingGrain>(other).KeyAsync()}";
}

public sealed class BadGrain : Grain, IBadGrain
{
    public int NotAsync() => 0;
}
