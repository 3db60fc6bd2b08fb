namespace Moltnet.Grains.Runtime;

/// <summary>Dropping activations whose cached state another replica may have changed.</summary>
public sealed partial class GrainRuntime
{
    /// <summary>Deactivates the activation of <paramref name="grainTypeName"/> / <paramref name="key"/>, if any, in its
    /// turn (after the calls queued before it); the next call activates a fresh one that reloads its state.</summary>
    public void Invalidate(string grainTypeName, string key)
    {
        foreach (var (id, activation) in _directory)
        {
            if (id.Key == key && id.Registration.GrainTypeName == grainTypeName)
                activation.TryEnqueue(new DeactivationItem(onlyIfIdle: false, CancellationToken.None));
        }
    }

    /// <summary>Deactivates every activation in its turn without waiting (state may be stale after a lost connection).</summary>
    public void InvalidateAll()
    {
        foreach (var activation in _directory.Values)
            activation.TryEnqueue(new DeactivationItem(onlyIfIdle: false, CancellationToken.None));
    }
}
