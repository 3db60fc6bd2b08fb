using Moltnet.Grains.Storage;

namespace Moltnet.Grains.Domain;

/// <summary>Pings the store; remembers the last answer for the health gauge.</summary>
public sealed class StoreHealthProbe(IMoltnetStore store) : IHealthProbe
{
    public bool LastHealthy { get; private set; } = true;

    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            LastHealthy = await store.PingAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LastHealthy = false;
        }
        return LastHealthy;
    }
}
