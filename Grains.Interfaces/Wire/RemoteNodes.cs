namespace Moltnet.Wire;

/// <summary>A remote node in the inventory (remote-nodes.md §11, improvements "remote nodes" 6): offline nodes stay
/// listed with their last-seen time, version and last telemetry.</summary>
public sealed record NodeInfo
{
    public required string NodeId { get; init; }
    public string? DisplayName { get; init; }
    public string? Platform { get; init; }
    public string? Version { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool Connected { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool Revoked { get; init; }
    /// <summary>The replica holding the node's socket while connected.</summary>
    public string? ReplicaId { get; init; }
    public string? RemoteIp { get; init; }
    public DateTimeOffset? ConnectedAt { get; init; }
    public DateTimeOffset? LastSeenAt { get; init; }
    public NodeTelemetry? Telemetry { get; init; }
    /// <summary>True when the last sample is older than 120 s (or there is none).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool TelemetryStale { get; init; }
    /// <summary>The node's own policy, as it reported it (the server cannot change it).</summary>
    public NodePolicyInfo? Policy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed record NodeList(IReadOnlyList<NodeInfo> Nodes);

/// <summary>A telemetry sample: memory and disk in bytes, uptime in seconds, CPU usage 0–100.</summary>
public sealed record NodeTelemetry
{
    public long MemTotal { get; init; }
    public long MemAvailable { get; init; }
    public int CpuCount { get; init; }
    public double CpuUsage { get; init; }
    public long UptimeSecs { get; init; }
    public long? DiskTotal { get; init; }
    public long? DiskAvailable { get; init; }
    public IReadOnlyList<string>? Runtimes { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>A node-side exec policy: <c>deny</c>, <c>allowlist</c> (first word of the command must be listed) or
/// <c>full</c>; working directories must lie under one of <see cref="WorkingDirRoots"/> when any are set.</summary>
public sealed record NodePolicyInfo
{
    public required string Mode { get; init; }
    public IReadOnlyList<string>? Allowlist { get; init; }
    public IReadOnlyList<string>? WorkingDirRoots { get; init; }
    public int? MaxTimeoutSecs { get; init; }
    public int? MaxOutputBytes { get; init; }
}

/// <summary><c>POST /v1/nodes/tokens</c>: a new device token for a new node.</summary>
public sealed record CreateDeviceTokenRequest
{
    public string? Name { get; init; }
    public string? NodeId { get; init; }
}

/// <summary>The new token: shown once, never retrievable later.</summary>
public sealed record DeviceTokenCreated(string DeviceToken, string NodeId, string TokenPrefix, IReadOnlyList<string> Scopes);

public sealed record DeviceTokenInfo
{
    public required string NodeId { get; init; }
    public required string TokenPrefix { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}

public sealed record DeviceTokenList(IReadOnlyList<DeviceTokenInfo> Tokens);

/// <summary><c>PUT /v1/nodes/selection</c>: bind a conversation to a node (null clears).</summary>
public sealed record NodeSelection
{
    public string? ConversationId { get; init; }
    public string? NodeId { get; init; }
}

/// <summary><c>POST /v1/exec</c>. The node is <see cref="Node"/>, else the conversation's selected node; never local.</summary>
public sealed record ExecRequest
{
    public string? Node { get; init; }
    public string? ConversationId { get; init; }
    public string? Command { get; init; }
    public int? TimeoutMs { get; init; }
    public string? Cwd { get; init; }
    public IReadOnlyDictionary<string, string>? Env { get; init; }
    public string? ExecId { get; init; }
    /// <summary>False: one JSON result at the end instead of NDJSON frames.</summary>
    public bool? Stream { get; init; }
}

/// <summary>One NDJSON line of a streamed exec: <c>started</c>, <c>chunk</c> (stream, seq, data) or <c>result</c>.</summary>
public sealed record ExecFrame
{
    public required string Type { get; init; }
    public string? ExecId { get; init; }
    public string? NodeId { get; init; }
    public string? Stream { get; init; }
    public long? Seq { get; init; }
    public string? Data { get; init; }
    public ExecResult? Result { get; init; }
}

/// <summary>The outcome of a remote command, always labelled with the node that ran it.</summary>
public sealed record ExecResult
{
    public required string ExecId { get; init; }
    public required string NodeId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public int ExitCode { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Stdout { get; init; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Stderr { get; init; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool StdoutTruncated { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool StderrTruncated { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool TimedOut { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool Cancelled { get; init; }
    /// <summary>Set when the command did not run (refused by the node policy, node gone, …).</summary>
    public string? Error { get; init; }
    public long DurationMs { get; init; }
}

/// <summary>The node payload of <c>node.*</c> events (connect, disconnect, revoke, and the audit of every command).</summary>
public sealed record EventNode
{
    public required string NodeId { get; init; }
    public string? DisplayName { get; init; }
    public string? ReplicaId { get; init; }
    public string? Reason { get; init; }
    public string? ExecId { get; init; }
    /// <summary>Who asked for the command (credential identity).</summary>
    public string? Actor { get; init; }
    public string? ConversationId { get; init; }
    public string? Command { get; init; }
    public string? Cwd { get; init; }
    public int? ExitCode { get; init; }
    public bool? TimedOut { get; init; }
    public bool? Cancelled { get; init; }
    public string? Error { get; init; }
}

public static class NodeEventTypes
{
    public const string Connected = "node.connected";
    public const string Disconnected = "node.disconnected";
    public const string Revoked = "node.revoked";
    public const string ExecStarted = "node.exec.started";
    public const string ExecFinished = "node.exec.finished";
}
