namespace Moltnet.Runtime;

/// <summary>Marker for grain interfaces: actors addressed by a string key. Methods return Task or ValueTask.</summary>
public interface IGrainWithStringKey;

/// <summary>Hands out references to grains; the grain is activated on its first call.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain of type <typeparamref name="TGrain"/> with key <paramref name="key"/>.
    /// Calls through it run one at a time per activation (no reentrancy).</summary>
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey;
}
