namespace Moltnet.NodeClient.Configuration;

/// <summary>The <c>MoltnetNode</c> config could not be loaded. <see cref="Errors"/> lists every problem found.</summary>
public sealed class NodeConfigException(IReadOnlyList<string> errors) : Exception(string.Join('\n', errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
