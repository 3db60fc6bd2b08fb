namespace Moltnet.NodeClient.Daemon;

/// <summary>The JSON form of a <see cref="NodeStatus"/>, as <c>node status --json</c> prints it.</summary>
public static class NodeStatusJson
{
    public static string Serialize(NodeStatus status) => NodeJsonContext.Serialize(status);
}
