using Moltnet.Cluster;
using Moltnet.Configuration;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;
using Moltnet.Wire;

namespace Moltnet.Web.Api;

/// <summary><c>GET /v1/cluster</c> (admin): the live replicas (membership heartbeats in the shared database, or this
/// process alone on SQLite) with their addresses, start and heartbeat times and connection counts.</summary>
public static class ClusterApi
{
    public static IEndpointRouteBuilder MapCluster(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/cluster", async (HttpContext http, IClusterMembership membership, IClusterBus bus, MoltnetConfig config) =>
            {
                var replicas = await membership.ListAsync(http.RequestAborted);
                return Reply.Ok(new ClusterView(bus.ReplicaId, config.Storage.Kind, [.. replicas.Select(r => new ClusterReplica(
                    r.Id, r.Address, r.StartedAt, r.HeartbeatAt, r.Id == bus.ReplicaId,
                    new ClusterConnections(r.Connections.Sse, r.Connections.Attach, r.Connections.Nodes)))]));
            })
            .RequireScopes(Scopes.Admin);
        return app;
    }
}

/// <summary>This replica's connections, as membership publishes them.</summary>
internal sealed class WebConnectionCounts(Streaming.StreamLimiter streams, Attach.AttachmentRegistry attachments, Nodes.NodeGateway nodes)
    : IConnectionCounts
{
    public ConnectionCounts Current() => new(streams.Active, attachments.Count, nodes.Count);
}
