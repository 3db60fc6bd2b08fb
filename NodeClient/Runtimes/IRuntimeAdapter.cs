using Moltnet.NodeClient.Configuration;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>One message that should wake the runtime, with its conversation keys and prompt worked out.</summary>
public sealed record Wake(Message Message, string NetworkId, string ContextId, string ChatId, string Prompt, string Cursor);

/// <summary>
/// Delivers wakes to one agent's runtime. <see cref="DeliverAsync"/> returns once the runtime has accepted the wake
/// (the attachment then ACKs it); the task it returns completes when the runtime has finished with it (the attachment
/// then moves its durable resume cursor). Throwing means the runtime did not accept it (retried, then failed).
/// </summary>
public interface IRuntimeAdapter : IAsyncDisposable
{
    Task<Task> DeliverAsync(Wake wake, CancellationToken ct);
}

/// <summary>What an adapter may use: the attachment, the publisher for auto-publish, the log.</summary>
public sealed record RuntimeContext(NodeAttachment Attachment, string BaseUrl, string NetworkId, Daemon.MoltnetPublisher Publisher, Daemon.NodeLog Log, Func<string?> Token, TimeProvider Time, HttpClient Http);

/// <summary>The runtime cannot be used as configured (e.g. a missing executable); stops this attachment only.</summary>
public sealed class RuntimeSetupException(string message) : Exception(message);
