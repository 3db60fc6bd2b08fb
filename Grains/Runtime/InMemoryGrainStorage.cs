using Moltnet.Grains.Storage;

namespace Moltnet.Grains.Runtime;

/// <summary>Grain storage in process memory, with the same version rules as the durable stores. For tests and the
/// <c>memory</c> store kind.</summary>
public sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string GrainType, string Key), (string Json, long Version)> _states = [];

    public Task<(string? Json, long Version)> ReadAsync(string grainType, string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult<(string?, long)>(
                _states.TryGetValue((grainType, key), out var stored) ? (stored.Json, stored.Version) : (null, 0));
        }
    }

    public Task<long> WriteAsync(string grainType, string key, string? json, long expectedVersion, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var current = _states.TryGetValue((grainType, key), out var stored) ? stored.Version : 0;
            if (current != expectedVersion)
            {
                throw new StaleStateException(
                    $"Grain state {grainType}/{key} is at version {current}, the write expected {expectedVersion}.");
            }

            if (json is null)
            {
                _states.Remove((grainType, key));
                return Task.FromResult(0L);
            }

            _states[(grainType, key)] = (json, current + 1);
            return Task.FromResult(current + 1);
        }
    }
}
