using Moltnet.Grains.Storage;

namespace Moltnet.Grains.Runtime;

/// <summary>Grain storage on the configured <see cref="IMoltnetStore"/> (its generic grain-state table).</summary>
public sealed class StoreGrainStorage(IMoltnetStore store) : IGrainStorage
{
    public async Task<(string? Json, long Version)> ReadAsync(string grainType, string key, CancellationToken cancellationToken)
    {
        var stored = await store.ReadGrainStateAsync(grainType, key, cancellationToken);
        return stored is null ? (null, 0) : (stored.Value, stored.Version);
    }

    public Task<long> WriteAsync(string grainType, string key, string? json, long expectedVersion, CancellationToken cancellationToken) =>
        store.WriteGrainStateAsync(grainType, key, json, expectedVersion, cancellationToken);
}
