namespace Moltnet.Cluster;

/// <summary>Live connections this replica holds; membership publishes them so <c>GET /v1/cluster</c> can list them.</summary>
public interface IConnectionCounts
{
    ConnectionCounts Current();
}

/// <summary>SSE observer streams, WebSocket attachments and remote node sessions held by one replica.</summary>
public sealed record ConnectionCounts(int Sse, int Attach, int Nodes);
