namespace Moltnet.Bench.Peers;

/// <summary>One system in the side-by-side comparison: a server process the bench starts on loopback, subscribers that
/// record when each message of the run reached them, and a publisher. Every message text starts with
/// <c>bench-&lt;run&gt;-&lt;seq&gt;</c>, which is how a subscriber recognises it.</summary>
internal abstract class Target : IAsyncDisposable
{
    /// <summary>Short name for tables and plots: <c>moltnet</c>, <c>nats-server</c>…</summary>
    public abstract string Name { get; }

    /// <summary>What a message is on this system, e.g. "POST /v1/messages (SQLite commit) → SSE".</summary>
    public abstract string Path { get; }

    /// <summary>The server's version, known after <see cref="StartAsync"/>.</summary>
    public string Version { get; protected set; } = "";

    /// <summary>The server process id, once started.</summary>
    public abstract int? Pid { get; }

    public abstract Task StartAsync(CancellationToken ct);

    /// <summary>Connects subscriber <paramref name="index"/> and returns once the server holds its subscription.</summary>
    public abstract Task<Subscriber> SubscribeAsync(int index, string idPrefix, CancellationToken ct);

    /// <summary>Connects idle subscriber <paramref name="index"/> for the memory scenario (by default the same as
    /// <see cref="SubscribeAsync"/>).</summary>
    public virtual Task<Subscriber> IdleSubscribeAsync(int index, string idPrefix, CancellationToken ct) => SubscribeAsync(index, idPrefix, ct);

    /// <summary>What an acknowledged publish waits for on this system, for the <c>peers-ingest</c> table.</summary>
    public abstract string Acknowledgement { get; }

    /// <summary>Opens the publisher. <paramref name="inFlight"/> null: the open-loop ladder's publisher (for TCP
    /// protocols a publish is accepted once queued for the socket). A number: a closed-loop publisher for that many
    /// concurrent publishes, each completing only when the system acknowledged it (<see cref="Acknowledgement"/>).</summary>
    public abstract Task<Publisher> OpenPublisherAsync(string idPrefix, int payload, int? inFlight, CancellationToken ct);

    public TimeSpan? CpuTime() => Pid is { } pid ? ProcFs.CpuTime(pid) : null;

    public long? Rss() => Pid is { } pid ? ProcFs.Rss(pid) : null;

    public abstract ValueTask DisposeAsync();

    /// <summary>Message text: the marker, then padding up to <paramref name="payload"/> bytes.</summary>
    public static string Text(string idPrefix, long seq, int payload)
    {
        var marker = $"{idPrefix}{seq} ";
        return marker.Length >= payload ? marker : marker + BenchHttp.Payload(payload - marker.Length);
    }
}

/// <summary>A subscriber's receipts; <see cref="Log"/> may be swapped between steps.</summary>
internal abstract class Subscriber : IAsyncDisposable
{
    public abstract DeliveryLog Log { get; set; }

    /// <summary>Set when the connection ended before the bench closed it.</summary>
    public abstract string? ClosedEarly { get; }

    public abstract ValueTask DisposeAsync();
}

/// <summary>Sends messages. <see cref="PublishAsync"/> completes when the system accepted the message: an HTTP 202, or
/// for protocols without a per-message answer, once it is queued for the socket (open loop) or once the server answered
/// a PING written after it (closed loop, see <see cref="Target.OpenPublisherAsync"/>).</summary>
internal abstract class Publisher : IAsyncDisposable
{
    /// <summary>Returns an error text, or null when accepted.</summary>
    public abstract ValueTask<string?> PublishAsync(long seq, CancellationToken ct);

    /// <summary>Errors the server reported asynchronously (e.g. Redis <c>-ERR</c> replies), so far.</summary>
    public virtual long AsyncErrors => 0;

    public abstract ValueTask DisposeAsync();
}
