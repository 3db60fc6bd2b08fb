using Moltnet.Configuration;
using Moltnet.Configuration.Tree;

namespace Moltnet.Silo.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] ServerKeys =
    [
        "listen_addr", "human_ingress", "direct_messages", "debug_events", "trust_forwarded_proto", "allowed_origins",
        "trusted_proxies", "data_path", "console", "reapply_declared_members", "log_format",
        "wake_ack_timeout",
    ];

    private static readonly string[] LogFormatNames = [LogFormats.Text, LogFormats.Json];

    private static readonly string[] LimitKeys =
    [
        "max_streams", "max_streams_per_identity", "subscriber_queue", "register_per_minute", "attach_per_minute", "send_per_second",
    ];

    private static readonly string[] StorageKindNames = [StorageKinds.Memory, StorageKinds.Json, StorageKinds.Sqlite, StorageKinds.Postgres];

    private static NetworkSection MapNetwork(ConfigMap m)
    {
        var d = new NetworkSection();
        return new NetworkSection { Id = NonEmpty(m.String("id")) ?? d.Id, Name = NonEmpty(m.String("name")) ?? d.Name };
    }

    private static ServerSection MapServer(ConfigMap m)
    {
        var d = new ServerSection();
        var listen = NonEmpty(m.String("listen_addr"));
        if (listen is not null) CheckListenAddr(m, listen);
        var logFormat = NonEmpty(m.String("log_format"));
        if (logFormat is not null && !CheckOneOf(m, "log_format", logFormat, LogFormatNames)) logFormat = null;
        var proxies = m.Strings("trusted_proxies") ?? [];
        for (var i = 0; i < proxies.Count; i++)
        {
            if (!ConfigValues.IsIpOrCidr(proxies[i]))
                m.Errors.Add(m.Source, ConfigNode.Item(m.PathOf("trusted_proxies"), i), $"must be an IP address or CIDR range (got \"{proxies[i]}\")");
        }
        return new ServerSection
        {
            ListenAddr = listen ?? d.ListenAddr,
            HumanIngress = m.Bool("human_ingress") ?? d.HumanIngress,
            DirectMessages = m.Bool("direct_messages") ?? d.DirectMessages,
            DebugEvents = m.Bool("debug_events") ?? d.DebugEvents,
            TrustForwardedProto = m.Bool("trust_forwarded_proto") ?? d.TrustForwardedProto,
            AllowedOrigins = m.Strings("allowed_origins") ?? d.AllowedOrigins,
            TrustedProxies = proxies,
            DataPath = m.String("data_path") ?? d.DataPath,
            Console = new ConsoleSection { Analytics = MapAnalytics(m.Map("console", "analytics").Map("analytics", "provider", "measurement_id")) },
            ReapplyDeclaredMembers = m.Bool("reapply_declared_members") ?? d.ReapplyDeclaredMembers,
            LogFormat = logFormat ?? d.LogFormat,
            WakeAckTimeout = Duration(m, "wake_ack_timeout") ?? d.WakeAckTimeout,
        };
    }

    private static void CheckListenAddr(ConfigMap m, string value)
    {
        if (!ConfigValues.TryParseListenAddr(value, out _, out _))
            m.Error("listen_addr", $"must be host:port such as \":8787\", \"127.0.0.1:8787\" or \"[::1]:8787\" (got \"{value}\")");
    }

    /// <summary>Null when neither key is given; both-or-neither is checked once environment overrides are in.</summary>
    private static AnalyticsSection? MapAnalytics(ConfigMap m)
    {
        var provider = m.String("provider") ?? "";
        var id = m.String("measurement_id") ?? "";
        return provider.Length == 0 && id.Length == 0 ? null : new AnalyticsSection(provider, id);
    }

    /// <summary>Kind stays empty when not given; <see cref="Finish"/> picks the default once the environment is applied.</summary>
    private static StorageSection MapStorage(ConfigMap m, LoadContext ctx)
    {
        var d = new StorageSection();
        var kind = NonEmpty(m.String("kind"));
        if (kind is not null)
        {
            ctx.StorageKindGiven = true;
            CheckOneOf(m, "kind", kind, StorageKindNames);
        }
        var dsn = m.Map("postgres", "dsn").String("dsn") ?? "";
        if (dsn.Length > 0) ctx.PlaintextSecrets.Add("storage.postgres.dsn");
        var retention = d.EventRetention;
        if (NonEmpty(m.String("event_retention")) is { } text && !ConfigValues.TryParseDuration(text, out retention))
        {
            m.Error("event_retention", $"must be a duration such as 168h, 30m or 7d, or 0 to keep every event (got \"{text}\")");
            retention = d.EventRetention;
        }
        return new StorageSection
        {
            Kind = kind ?? "",
            Sqlite = new SqliteSection { Path = m.Map("sqlite", "path").String("path") ?? "" },
            Json = new JsonStoreSection { Path = m.Map("json", "path").String("path") ?? "" },
            Postgres = new PostgresSection { Dsn = dsn },
            EventRetention = retention,
        };
    }

    private static LimitsSection MapLimits(ConfigMap m)
    {
        var d = new LimitsSection();
        return new LimitsSection
        {
            MaxStreams = Count(m, "max_streams") ?? d.MaxStreams,
            MaxStreamsPerIdentity = Count(m, "max_streams_per_identity") ?? d.MaxStreamsPerIdentity,
            SubscriberQueue = Count(m, "subscriber_queue") ?? d.SubscriberQueue,
            RegisterPerMinute = Count(m, "register_per_minute") ?? d.RegisterPerMinute,
            AttachPerMinute = Count(m, "attach_per_minute") ?? d.AttachPerMinute,
            SendPerSecond = Count(m, "send_per_second") ?? d.SendPerSecond,
        };
    }

    private static readonly string[] RelayKeys =
        ["check_interval", "error_check_interval", "backoff_min", "backoff_max", "request_timeout", "poll_interval"];

    private static RelaySection MapRelay(ConfigMap m)
    {
        var d = new RelaySection();
        var relay = new RelaySection
        {
            CheckInterval = Duration(m, "check_interval") ?? d.CheckInterval,
            ErrorCheckInterval = Duration(m, "error_check_interval") ?? d.ErrorCheckInterval,
            BackoffMin = Duration(m, "backoff_min") ?? d.BackoffMin,
            BackoffMax = Duration(m, "backoff_max") ?? d.BackoffMax,
            RequestTimeout = Duration(m, "request_timeout") ?? d.RequestTimeout,
            PollInterval = Duration(m, "poll_interval") ?? d.PollInterval,
        };
        if (relay.BackoffMax < relay.BackoffMin)
            m.Error("backoff_max", $"must not be shorter than backoff_min (got {m.String("backoff_max")})");
        return relay;
    }

    /// <summary>A positive duration, or null when absent or invalid (reported).</summary>
    private static TimeSpan? Duration(ConfigMap m, string key)
    {
        if (NonEmpty(m.String(key)) is not { } text) return null;
        if (ConfigValues.TryParseDuration(text, out var value) && value > TimeSpan.Zero) return value;
        m.Error(key, $"must be a positive duration such as 500ms, 30s or 5m (got \"{text}\")");
        return null;
    }

    /// <summary>A non-negative integer, or null when absent or invalid (reported).</summary>
    private static int? Count(ConfigMap m, string key)
    {
        var value = m.Int(key);
        if (value is not < 0) return value;
        m.Error(key, $"must not be negative (got {value})");
        return null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
