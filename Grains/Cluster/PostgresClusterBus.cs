using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Moltnet.Cluster;

/// <summary>The bus of replicas sharing PostgreSQL: <c>pg_notify('moltnet_bus', …)</c> carries each message to every
/// replica's listener (<see cref="PostgresListener"/>), which hands it to <see cref="Deliver"/>. A message with a target
/// replica id is handled only there: this is how a call reaches the replica that holds a given socket.</summary>
public sealed partial class PostgresClusterBus(PostgresClusterDb db, ReplicaIdentity replica, ILogger<PostgresClusterBus> log) : IClusterBus
{
    /// <summary>The NOTIFY channel of the bus.</summary>
    public const string Channel = "moltnet_bus";

    private readonly LocalClusterBus _local = new(replica.Id, log);

    public string ReplicaId => replica.Id;

    public async Task PublishAsync(string topic, string payload, string? target, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (Encoding.UTF8.GetByteCount(payload) > IClusterBus.MaxPayloadBytes)
            throw new ArgumentException($"cluster bus payload exceeds {IClusterBus.MaxPayloadBytes} bytes", nameof(payload));
        var envelope = JsonSerializer.Serialize(new Envelope(topic, replica.Id, target, payload), ClusterJson.Default.Envelope);
        await db.ExecuteAsync("SELECT pg_notify(@p0, @p1)", ct, Channel, envelope);
    }

    public IDisposable Subscribe(string topic, Func<ClusterMessage, Task> handler) => _local.Subscribe(topic, handler);

    /// <summary>A notification on <see cref="Channel"/>: handed to this replica's subscribers when addressed here.</summary>
    public void Deliver(string notificationPayload)
    {
        Envelope? e;
        try
        {
            e = JsonSerializer.Deserialize(notificationPayload, ClusterJson.Default.Envelope);
        }
        catch (JsonException ex)
        {
            BadMessage(log, ex);
            return;
        }
        if (e is null || string.IsNullOrEmpty(e.Topic)) return;
        _local.Deliver(new ClusterMessage(e.Topic, e.From ?? "", e.Target, e.Payload ?? ""));
    }

    internal sealed record Envelope(string Topic, string? From, string? Target, string? Payload);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "ignoring a malformed cluster bus notification")]
    private static partial void BadMessage(ILogger logger, Exception error);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(PostgresClusterBus.Envelope))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class ClusterJson : System.Text.Json.Serialization.JsonSerializerContext;
