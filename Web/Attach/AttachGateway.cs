using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moltnet.Cluster;
using Moltnet.Configuration;
using Moltnet.Runtime;

namespace Moltnet.Web.Attach;

/// <summary>What every attachment session shares: options, grains, the event feed, the session registry, the wake claims,
/// the clock.</summary>
public sealed class AttachGateway(
    AttachOptions options,
    MoltnetConfig config,
    IGrainFactory grains,
    IEventFeed feed,
    IAttachmentEvents events,
    AttachmentRegistry registry,
    IWakeClaims wakeClaims,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<AttachGateway> log)
{
    public AttachOptions Options { get; } = options;
    public MoltnetConfig Config { get; } = config;
    public IGrainFactory Grains { get; } = grains;
    public IEventFeed Feed { get; } = feed;
    public IAttachmentEvents Events { get; } = events;
    public AttachmentRegistry Registry { get; } = registry;
    public IWakeClaims WakeClaims { get; } = wakeClaims;
    public TimeProvider Time { get; } = time;
    public CancellationToken Stopping => lifetime.ApplicationStopping;
    internal ILogger Log { get; } = log;

    public string NetworkId => Config.Network.Id;

    /// <summary>The EVENT frame of an event, encoded once and shared by every session that sends it.</summary>
    internal byte[] EventFrame(LoggedEvent e) => e.Encoded(_eventFrame);

    private readonly Func<LoggedEvent, byte[]> _eventFrame = ev => MoltnetJson.SerializeToUtf8(new AttachFrame
    {
        Op = AttachOps.Event,
        Version = AttachOptions.Version,
        NetworkId = config.Network.Id,
        Cursor = ev.Id,
        Event = ev.Event,
    }); // also the cache key of this gateway's frames

    internal static byte[] Encode(AttachFrame frame) => MoltnetJson.SerializeToUtf8(frame with { Version = AttachOptions.Version });

    internal Event NewEvent(string type, EventAgent agent) => new()
    {
        Id = Ids.NewEventId(),
        Type = type,
        NetworkId = NetworkId,
        Agent = agent,
        CreatedAt = Time.GetUtcNow(),
    };

    internal EventAgent AgentPayload(string agentId, string? name) => new()
    {
        AgentId = agentId,
        NetworkId = NetworkId,
        Fqid = Ids.Fqid(NetworkId, "agents", agentId),
        Name = name,
    };

    /// <summary>Appends events, logging instead of throwing (session teardown must go on).</summary>
    internal async Task AppendQuietlyAsync(IReadOnlyList<Event> events)
    {
        try
        {
            await Events.AppendAsync(events, CancellationToken.None);
        }
        catch (Exception e)
        {
            AttachLog.AppendFailed(Log, events.Count > 0 ? events[0].Type : "", e);
        }
    }
}
