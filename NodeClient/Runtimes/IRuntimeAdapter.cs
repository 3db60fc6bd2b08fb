using Moltnet.NodeClient.Configuration;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>One message that should wake the runtime, with its conversation keys and prompt worked out.</summary>
public sealed record Wake(Message Message, string NetworkId, string ContextId, string ChatId, string Prompt, string Cursor)
{
    /// <summary>The id of the <c>message.created</c> event (OpenClaw's idempotency key).</summary>
    public string EventId { get; init; } = "";
}

/// <summary>The one bootstrap wake a room with wake <c>all</c> gets per process (spec node-and-cli §2.9).</summary>
public sealed record BootstrapWake(string NetworkId, string RoomId)
{
    /// <summary>A stand-in message addressed to the room, for the conversation keys.</summary>
    public Message Room => new()
    {
        Id = "",
        NetworkId = NetworkId,
        Origin = new Origin(NetworkId, ""),
        Target = new Target { Kind = TargetKind.Room, RoomId = RoomId },
        From = new Actor { Type = "system", Id = "moltnet" },
        Parts = [],
    };

    public string ContextId => $"moltnet:{NetworkId}:room:{RoomId}";
    public string ChatId => $"{NetworkId}:room:{RoomId}";
}

/// <summary>When an adapter takes its bootstrap wakes (spec node-and-cli §2.9).</summary>
public enum BootstrapTiming
{
    /// <summary>No bootstrap wakes (picoclaw command mode, tinyclaw queue mode, command, webhook).</summary>
    None,

    /// <summary>Before the first attach, retried with backoff until the runtime accepts (openclaw, picoclaw events).</summary>
    BeforeAttach,

    /// <summary>In the background after the first READY; a failure ends the session, the next one retries (CLI, control loop).</summary>
    AfterReady,
}

/// <summary>
/// Delivers wakes to one agent's runtime. <see cref="DeliverAsync"/> returns once the runtime has accepted the wake
/// (the attachment then ACKs it); the task it returns completes when the runtime has finished with it (the attachment
/// then moves its durable resume cursor). Throwing means the runtime did not accept it (retried, then failed).
/// </summary>
public interface IRuntimeAdapter : IAsyncDisposable
{
    Task<Task> DeliverAsync(Wake wake, CancellationToken ct);

    BootstrapTiming Bootstrap => BootstrapTiming.None;

    /// <summary>Delivers one bootstrap wake; returns when the runtime accepted it. Throwing means: try again later.</summary>
    Task BootstrapAsync(BootstrapWake wake, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>What an adapter may use: the attachment, the publisher for auto-publish, the log, the node's state directory.</summary>
public sealed record RuntimeContext(NodeAttachment Attachment, string BaseUrl, string NetworkId, Daemon.MoltnetPublisher Publisher, Daemon.NodeLog Log, Func<string?> Token, TimeProvider Time, HttpClient Http)
{
    /// <summary>Where the node keeps its state (cursors, status, device keys); null when it has no config file.</summary>
    public string? StateDirectory { get; init; }
}

/// <summary>The runtime cannot be used as configured (e.g. a missing executable); stops this attachment only.</summary>
public sealed class RuntimeSetupException(string message) : Exception(message);
