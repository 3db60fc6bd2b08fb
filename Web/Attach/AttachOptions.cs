namespace Moltnet.Web.Attach;

/// <summary>Timings and bounds of the attachment gateway (spec §4). One instance per server, resolved from DI; tests
/// shorten the intervals on the running server's instance before they attach.</summary>
public sealed class AttachOptions
{
    public const string Version = "moltnet.attach.v1";

    /// <summary>Announced in HELLO; the server PINGs every half interval and drops a client silent for two intervals.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a client has to send IDENTIFY after HELLO.</summary>
    public TimeSpan IdentifyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline for writing one frame.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A wake not acknowledged within this time is reported with <c>agent.wake.failed</c> (improvements.md server 7).</summary>
    public TimeSpan WakeAckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Frames waiting for the socket; a session whose queue overflows is closed as a slow consumer.</summary>
    public int SendQueueCapacity { get; set; } = 256;

    /// <summary>How long an event may wait for room in a full send queue before the session is closed as a slow consumer.</summary>
    public TimeSpan SlowConsumerGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest accepted client frame.</summary>
    public int MaxFrameBytes { get; set; } = 1 << 20;

    /// <summary>How many sent cursors a session remembers for ACK checks.</summary>
    public int AckWindow { get; set; } = 1024;

    public TimeSpan PingInterval => HeartbeatInterval / 2;
    public TimeSpan ReadTimeout => HeartbeatInterval * 2;
}
