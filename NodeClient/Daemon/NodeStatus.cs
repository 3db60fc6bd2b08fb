namespace Moltnet.NodeClient.Daemon;

/// <summary><c>&lt;config dir&gt;/.moltnet/node/status.json</c>: the running node's per-attachment health, read by <c>moltnet node status</c>.</summary>
public sealed record NodeStatus
{
    public int Pid { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string BaseUrl { get; init; } = "";
    public string NetworkId { get; init; } = "";

    /// <summary>False once the node has stopped (cleanly or not: a dead pid reads as stopped too).</summary>
    public bool Running { get; init; }

    public IReadOnlyList<AttachmentStatus> Attachments { get; init; } = [];
}

/// <summary>Health of one attachment.</summary>
public sealed record AttachmentStatus
{
    public string AgentId { get; init; } = "";
    public string Runtime { get; init; } = "";

    /// <summary><c>starting</c>, <c>connecting</c>, <c>connected</c>, <c>backoff</c>, <c>stopped</c>.</summary>
    public string State { get; init; } = "starting";

    public bool Connected { get; init; }
    public DateTimeOffset? ConnectedAt { get; init; }

    /// <summary>The last cursor stored as the resume point.</summary>
    public string? Cursor { get; init; }

    public DateTimeOffset? LastWakeAt { get; init; }
    public string? LastWakeMessageId { get; init; }
    public long Wakes { get; init; }
    public long FailedWakes { get; init; }
    public int Reconnects { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? LastErrorAt { get; init; }
}
