namespace Moltnet.Grains.Runtime;

/// <summary>Settings of the grain runtime.</summary>
public sealed class GrainRuntimeOptions
{
    /// <summary>An activation idle for longer than this is deactivated. Default 15 minutes.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for (capped at <see cref="CollectionAge"/>). Default 1 minute.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    internal void Validate()
    {
        if (CollectionAge <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{nameof(GrainRuntimeOptions)}.{nameof(CollectionAge)} must be positive.");
        }

        if (CollectionQuantum <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{nameof(GrainRuntimeOptions)}.{nameof(CollectionQuantum)} must be positive.");
        }
    }
}
