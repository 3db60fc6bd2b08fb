namespace Moltnet.Grains.Runtime;

/// <summary>
/// Persists grain state documents with optimistic versions. Versions start at 1 for the first write and grow by one
/// per write; version 0 means "nothing stored".
/// </summary>
public interface IGrainStorage
{
    /// <summary>The stored JSON and its version, or <c>(null, 0)</c> when nothing is stored.</summary>
    Task<(string? Json, long Version)> ReadAsync(string grainType, string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="json"/> (null deletes) if the stored version equals
    /// <paramref name="expectedVersion"/> (0 = nothing stored), and returns the new version (0 after a delete).
    /// Throws <see cref="Storage.StaleStateException"/> on a version mismatch and changes nothing.</summary>
    Task<long> WriteAsync(string grainType, string key, string? json, long expectedVersion, CancellationToken cancellationToken);
}
