namespace Moltnet.Cluster;

/// <summary>Leases of a single process: this process holds every lease.</summary>
public sealed class LocalLeases : ILeases
{
    public Task<bool> TryAcquireAsync(string name, TimeSpan ttl, CancellationToken ct) => Task.FromResult(true);

    public Task ReleaseAsync(string name, CancellationToken ct) => Task.CompletedTask;
}
