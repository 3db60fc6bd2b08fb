namespace Moltnet.Silo.Configuration;

/// <summary>The server config could not be loaded. <see cref="Errors"/> lists every problem found, one per entry.</summary>
public sealed class ConfigException(IReadOnlyList<string> errors) : Exception(string.Join('\n', errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
