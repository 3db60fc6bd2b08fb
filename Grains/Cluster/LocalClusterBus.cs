using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Moltnet.Cluster;

/// <summary>The bus of a single process: every message is delivered to this process's subscribers.</summary>
public sealed partial class LocalClusterBus(string replicaId, ILogger log) : IClusterBus
{
    private readonly ConcurrentDictionary<string, ImmutableHandlers> _handlers = new(StringComparer.Ordinal);

    public LocalClusterBus(ReplicaIdentity replica, ILogger<LocalClusterBus> log) : this(replica.Id, log)
    {
    }

    public LocalClusterBus(ILogger<LocalClusterBus> log) : this("local-" + Guid.NewGuid().ToString("N")[..12], log)
    {
    }

    public string ReplicaId { get; } = replicaId;

    public Task PublishAsync(string topic, string payload, string? target, CancellationToken ct)
    {
        if (Encoding.UTF8.GetByteCount(payload) > IClusterBus.MaxPayloadBytes)
            throw new ArgumentException($"cluster bus payload exceeds {IClusterBus.MaxPayloadBytes} bytes", nameof(payload));
        Deliver(new ClusterMessage(topic, ReplicaId, target, payload));
        return Task.CompletedTask;
    }

    /// <summary>Hands <paramref name="message"/> to this process's subscribers of its topic when it is addressed here.</summary>
    public void Deliver(ClusterMessage message)
    {
        if (message.Target is not null && message.Target != ReplicaId) return;
        if (!_handlers.TryGetValue(message.Topic, out var handlers)) return;
        foreach (var handler in handlers.Items)
            _ = Task.Run(async () =>
            {
                try { await handler(message); }
                catch (Exception e) { HandlerFailed(log, message.Topic, e); }
            });
    }

    public IDisposable Subscribe(string topic, Func<ClusterMessage, Task> handler)
    {
        _handlers.AddOrUpdate(topic, _ => new([handler]), (_, h) => new([.. h.Items, handler]));
        return new Unsubscriber(() => _handlers.AddOrUpdate(topic, _ => new([]), (_, h) => new([.. h.Items.Where(x => x != handler)])));
    }

    private sealed record ImmutableHandlers(Func<ClusterMessage, Task>[] Items);

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private int _disposed;
        public void Dispose() { if (Interlocked.Exchange(ref _disposed, 1) == 0) dispose(); }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "cluster bus handler for {Topic} failed")]
    private static partial void HandlerFailed(ILogger logger, string topic, Exception error);
}
