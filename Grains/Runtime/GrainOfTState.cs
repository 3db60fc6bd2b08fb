using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Moltnet.Grains.Storage;

namespace Moltnet.Grains.Runtime;

/// <summary>
/// A grain with a persisted state document. State is loaded before <see cref="Grain.OnActivateAsync"/>; writes are
/// conditional on the version last read or written, so a stale activation (e.g. on another replica) cannot overwrite
/// newer state: <see cref="WriteStateAsync"/> then throws <see cref="StaleStateException"/>.
/// </summary>
public abstract class Grain<TState> : Grain where TState : class, new()
{
    private TState _state = new();

    /// <summary>The in-memory state; persisted only by <see cref="WriteStateAsync"/>.</summary>
    protected TState State
    {
        get => _state;
        set => _state = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The stored version <see cref="State"/> is based on; 0 when nothing is stored.</summary>
    protected long StateVersion { get; private set; }

    /// <summary>Source-generated JSON metadata for the state (keeps serialization trim- and AOT-safe).</summary>
    protected abstract JsonTypeInfo<TState> StateTypeInfo { get; }

    /// <summary>Replaces <see cref="State"/> and <see cref="StateVersion"/> with what storage holds (a new state when nothing).</summary>
    protected async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var (json, version) = await Runtime.Storage.ReadAsync(GrainTypeName, GrainKey, cancellationToken);
        _state = json is null ? new TState() : JsonSerializer.Deserialize(json, StateTypeInfo) ?? new TState();
        StateVersion = json is null ? 0 : version;
    }

    /// <summary>Persists <see cref="State"/> if storage still holds <see cref="StateVersion"/>. On
    /// <see cref="StaleStateException"/> nothing changes here: State and StateVersion stay as they were.</summary>
    protected async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.Serialize(_state, StateTypeInfo);
        StateVersion = await Runtime.Storage.WriteAsync(GrainTypeName, GrainKey, json, StateVersion, cancellationToken);
    }

    /// <summary>Deletes the stored state (conditional on <see cref="StateVersion"/>) and resets State to a new one.</summary>
    protected async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        await Runtime.Storage.WriteAsync(GrainTypeName, GrainKey, null, StateVersion, cancellationToken);
        _state = new TState();
        StateVersion = 0;
    }

    internal override Task LoadStateAsync(CancellationToken cancellationToken) => ReadStateAsync(cancellationToken);
}
