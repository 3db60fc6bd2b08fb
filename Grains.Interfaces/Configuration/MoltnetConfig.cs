namespace Moltnet.Configuration;

/// <summary>The server configuration file (<c>Moltnet</c>, spec server-protocol §7), after defaults and env overrides.</summary>
public sealed record MoltnetConfig
{
    public string Version { get; init; } = "moltnet.v1";
    public NetworkSection Network { get; init; } = new();
    public ServerSection Server { get; init; } = new();
    public AuthSection Auth { get; init; } = new();
    public StorageSection Storage { get; init; } = new();
    public IReadOnlyList<RoomDeclaration> Rooms { get; init; } = [];
    public IReadOnlyList<PairingConfig> Pairings { get; init; } = [];
    public LimitsSection Limits { get; init; } = new();
    public RelaySection Relay { get; init; } = new();

    /// <summary>Where the config was read from; null when running on defaults.</summary>
    public string? SourcePath { get; init; }

    public static readonly MoltnetConfig Default = new();
}

public sealed record NetworkSection
{
    public string Id { get; init; } = "local";
    public string Name { get; init; } = "Local Moltnet";
}

public sealed record ServerSection
{
    public string ListenAddr { get; init; } = ":8787";
    public bool HumanIngress { get; init; } = true;
    public bool DirectMessages { get; init; } = true;
    public bool DebugEvents { get; init; }
    public bool TrustForwardedProto { get; init; }
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];
    /// <summary>Proxies (IP addresses or CIDR ranges) whose <c>X-Forwarded-*</c> headers are trusted.</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];
    public string DataPath { get; init; } = "";
    public ConsoleSection Console { get; init; } = new();
    /// <summary>Re-apply declared rooms' members on every start (the original's behaviour). Off by default.</summary>
    public bool ReapplyDeclaredMembers { get; init; }
    /// <summary>Console log format: <c>text</c> (one line per entry) or <c>json</c> (one JSON object per line).</summary>
    public string LogFormat { get; init; } = LogFormats.Text;
    /// <summary>A wake an attachment does not acknowledge within this time is reported with <c>agent.wake.failed</c>.</summary>
    public TimeSpan WakeAckTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

public static class LogFormats
{
    public const string Text = "text";
    public const string Json = "json";
}

public sealed record ConsoleSection
{
    public AnalyticsSection? Analytics { get; init; }
}

public sealed record AnalyticsSection(string Provider, string MeasurementId);

public sealed record AuthSection
{
    public string Mode { get; init; } = AuthModes.None;
    public bool PublicRead { get; init; }
    public string AgentRegistration { get; init; } = RegistrationModes.Disabled;
    public IReadOnlyList<TokenConfig> Tokens { get; init; } = [];
}

public static class AuthModes
{
    public const string None = "none";
    public const string Bearer = "bearer";
    public const string Open = "open";
}

public static class RegistrationModes
{
    public const string Disabled = "disabled";
    public const string Token = "token";
    public const string Open = "open";
}

public static class Scopes
{
    public const string Observe = "observe";
    public const string Write = "write";
    public const string Admin = "admin";
    public const string Attach = "attach";
    public const string Pair = "pair";
    public const string Exec = "exec";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { Observe, Write, Admin, Attach, Pair, Exec };
}

/// <summary>A static token. Exactly one of value, value_file or value_env supplies the secret.</summary>
public sealed record TokenConfig
{
    public string Id { get; init; } = "";
    public string Value { get; init; } = "";
    public string ValueFile { get; init; } = "";
    public string ValueEnv { get; init; } = "";
    public IReadOnlyList<string> Scopes { get; init; } = [];
    public IReadOnlyList<string> Agents { get; init; } = [];
}

public sealed record StorageSection
{
    public string Kind { get; init; } = StorageKinds.Sqlite;
    public SqliteSection Sqlite { get; init; } = new();
    public JsonStoreSection Json { get; init; } = new();
    public PostgresSection Postgres { get; init; } = new();
    /// <summary>How long events stay in the durable log; older ones are pruned. Zero keeps everything.</summary>
    public TimeSpan EventRetention { get; init; } = TimeSpan.FromDays(7);
}

public static class StorageKinds
{
    public const string Memory = "memory";
    public const string Json = "json";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
}

public sealed record SqliteSection
{
    public string Path { get; init; } = ".moltnet/moltnet.db";
}

public sealed record JsonStoreSection
{
    public string Path { get; init; } = "";
}

public sealed record PostgresSection
{
    public string Dsn { get; init; } = "";
}

/// <summary>A room declared in config; created at start.</summary>
public sealed record RoomDeclaration
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public IReadOnlyList<string> Members { get; init; } = [];
    public string Visibility { get; init; } = "private";
    public string WritePolicy { get; init; } = "members";
}

public sealed record PairingConfig
{
    public string Id { get; init; } = "";
    public string RemoteNetworkId { get; init; } = "";
    public string RemoteNetworkName { get; init; } = "";
    public string RemoteBaseUrl { get; init; } = "";
    public string Token { get; init; } = "";
    public string Status { get; init; } = "";
}

/// <summary>Timings of pairing compatibility checks and of the relay outbox (config key <c>relay</c>).</summary>
public sealed record RelaySection
{
    /// <summary>How often a pairing's compatibility is re-checked while it is connected, degraded or incompatible.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>How often it is re-checked while its status is error or unknown.</summary>
    public TimeSpan ErrorCheckInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>First retry delay of a failed relay; doubles per attempt (with jitter) up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffMin { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Timeout of each outbound call to a paired network (discovery, checks, relays).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How often the outbox owner looks for relays queued on other replicas (local sends wake it at once).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>Bounds on streams and rates. Zero disables a rate limit.</summary>
public sealed record LimitsSection
{
    public int MaxStreams { get; init; } = 128;
    public int MaxStreamsPerIdentity { get; init; } = 16;
    /// <summary>Events queued per subscriber before it is caught up from the log instead. With replicas, one log read
    /// hands the broker up to 256 events at once (another replica's commits), on top of a local batch of up to 64; a
    /// queue of 256 overflowed on such a read whenever its stream was a little behind (705 times in one bench run).</summary>
    public int SubscriberQueue { get; init; } = 1024;
    public int RegisterPerMinute { get; init; } = 30;
    public int AttachPerMinute { get; init; } = 120;
    public int SendPerSecond { get; init; }
}
