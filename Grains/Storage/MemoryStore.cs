using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

/// <summary>
/// The <c>memory</c> backend: nothing persisted, same semantics as the SQL stores. One lock serialises every call;
/// the sink is called under that lock, so its calls are ordered like the commits.
/// </summary>
public sealed partial class MemoryStore(ILogger<MemoryStore>? logger = null) : IMoltnetStore
{
    private readonly Lock _lock = new();
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly Dictionary<string, Versioned<RoomState>> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Versioned<AgentRegistration>> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, string Key), Versioned<string>> _grainState = [];
    private bool _disposed;

    public IEventSink? Sink { get; set; }

    public Task MigrateAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<bool> PingAsync(CancellationToken ct) => Locked(() => !_disposed, ct);

    public ValueTask DisposeAsync()
    {
        lock (_lock) _disposed = true;
        return ValueTask.CompletedTask;
    }

    // Rooms -----------------------------------------------------------------------------------------------

    public Task<Versioned<RoomState>?> ReadRoomAsync(string id, CancellationToken ct) =>
        Locked(() => _rooms.GetValueOrDefault(id), ct);

    public Task<IReadOnlyList<RoomState>> ListRoomsAsync(CancellationToken ct) => Locked<IReadOnlyList<RoomState>>(() =>
        [.. _rooms.Values.Select(r => r.Value).OrderBy(r => r.Room.Id, StringComparer.Ordinal)], ct);

    public Task<long> WriteRoomAsync(RoomState room, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct) => Write(() =>
    {
        ArgumentNullException.ThrowIfNull(room);
        StoreRules.CheckExpected(expectedVersion);
        StoreRules.CheckEvents(events);
        var stored = StoreRules.Normalize(room);
        CheckVersion("room", stored.Room.Id, _rooms.GetValueOrDefault(stored.Room.Id)?.Version ?? 0, expectedVersion);
        CheckNewEvents(events);
        _rooms[stored.Room.Id] = new(stored, expectedVersion + 1);
        CommitEvents(events);
        return expectedVersion + 1;
    }, ct);

    // Agents ----------------------------------------------------------------------------------------------

    public Task<Versioned<AgentRegistration>?> ReadAgentAsync(string agentId, CancellationToken ct) =>
        Locked(() => _agents.GetValueOrDefault(agentId), ct);

    public Task<IReadOnlyList<AgentRegistration>> ListAgentsAsync(CancellationToken ct) => Locked<IReadOnlyList<AgentRegistration>>(() =>
        [.. _agents.Values.Select(a => a.Value).OrderBy(a => a.AgentId, StringComparer.Ordinal)], ct);

    public Task<AgentRegistration?> FindAgentByCredentialAsync(string credentialKey, CancellationToken ct) => Locked(() =>
        string.IsNullOrEmpty(credentialKey)
            ? null
            : _agents.Values.Select(a => a.Value).Where(a => a.CredentialKey == credentialKey)
                .OrderBy(a => a.AgentId, StringComparer.Ordinal).FirstOrDefault(), ct);

    public Task<long> WriteAgentAsync(string agentId, AgentRegistration? agent, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct) => Write(() =>
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        StoreRules.CheckExpected(expectedVersion);
        StoreRules.CheckEvents(events);
        var stored = agent is null ? null : StoreRules.Normalize(StoreRules.CheckAgent(agentId, agent));
        CheckVersion("agent", agentId, _agents.GetValueOrDefault(agentId)?.Version ?? 0, expectedVersion);
        CheckNewEvents(events);
        if (stored is null) _agents.Remove(agentId);
        else _agents[agentId] = new(stored, expectedVersion + 1);
        CommitEvents(events);
        return expectedVersion + 1;
    }, ct);

    // Grain state -----------------------------------------------------------------------------------------

    public Task<Versioned<string>?> ReadGrainStateAsync(string grainType, string key, CancellationToken ct) =>
        Locked(() => _grainState.GetValueOrDefault((grainType, key)), ct);

    public Task<long> WriteGrainStateAsync(string grainType, string key, string? json, long expectedVersion, CancellationToken ct) => Write(() =>
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentNullException.ThrowIfNull(key);
        StoreRules.CheckExpected(expectedVersion);
        CheckVersion(grainType, key, _grainState.GetValueOrDefault((grainType, key))?.Version ?? 0, expectedVersion);
        if (json is null) _grainState.Remove((grainType, key));
        else _grainState[(grainType, key)] = new(json, expectedVersion + 1);
        return expectedVersion + 1;
    }, ct);

    // Helpers ---------------------------------------------------------------------------------------------

    /// <summary>Runs <paramref name="body"/> under the lock. Failures come back as a faulted task, as they do from the
    /// SQL stores, never as a synchronous throw.</summary>
    private Task<T> Locked<T>(Func<T> body, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return Task.FromCanceled<T>(ct);
        try
        {
            lock (_lock) return Task.FromResult(body());
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    private Task<T> Write<T>(Func<T> body, CancellationToken ct) => Locked(() =>
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return body();
    }, ct);

    private static void CheckVersion(string what, string id, long current, long expected)
    {
        if (current != expected) throw StoreRules.Stale(what, id, expected);
    }
}
