using Moltnet.Configuration;
using Moltnet.Configuration.Tree;

namespace Moltnet.Silo.Configuration;

public static partial class ConfigLoader
{
    /// <summary>
    /// Applies the environment overrides of spec §7 (they win over the file; empty values are ignored). Storage
    /// variables are applied in the spec's order; a path or DSN variable also sets the kind unless
    /// <c>MOLTNET_STORAGE_KIND</c> is given. Auth is file-only.
    /// </summary>
    private static MoltnetConfig ApplyEnvironment(MoltnetConfig c, LoadContext ctx)
    {
        string? Var(string name) => NonEmpty(ctx.Env(name));

        var server = c.Server;
        if (Var("MOLTNET_LISTEN_ADDR") is { } listen)
        {
            if (ConfigValues.TryParseListenAddr(listen, out _, out _)) server = server with { ListenAddr = listen };
            else ctx.Errors.Add("MOLTNET_LISTEN_ADDR", "", $"must be host:port such as \":8787\" or \"127.0.0.1:8787\" (got \"{listen}\")");
        }
        if (Var("MOLTNET_LOG_FORMAT") is { } logFormat)
        {
            if (LogFormatNames.Contains(logFormat)) server = server with { LogFormat = logFormat };
            else ctx.Errors.Add("MOLTNET_LOG_FORMAT", "", $"must be one of {string.Join(", ", LogFormatNames)} (got \"{logFormat}\")");
        }
        server = server with
        {
            HumanIngress = EnvBool(Var("MOLTNET_ALLOW_HUMAN_INGRESS")) ?? server.HumanIngress,
            DirectMessages = EnvBool(Var("MOLTNET_ALLOW_DIRECT_MESSAGES")) ?? server.DirectMessages,
            DebugEvents = EnvBool(Var("MOLTNET_DEBUG_EVENTS")) ?? server.DebugEvents,
        };
        var provider = Var("MOLTNET_CONSOLE_ANALYTICS_PROVIDER");
        var measurementId = Var("MOLTNET_CONSOLE_ANALYTICS_MEASUREMENT_ID");
        if (provider is not null || measurementId is not null)
        {
            var a = server.Console.Analytics ?? new AnalyticsSection("", "");
            a = new AnalyticsSection(provider ?? a.Provider, measurementId ?? a.MeasurementId);
            server = server with { Console = server.Console with { Analytics = a } };
        }

        var network = c.Network with
        {
            Id = Var("MOLTNET_NETWORK_ID") ?? c.Network.Id,
            Name = Var("MOLTNET_NETWORK_NAME") ?? c.Network.Name,
        };

        var pairings = c.Pairings;
        if (Var("MOLTNET_PAIRINGS_JSON") is { } pairingsJson) pairings = PairingsFromJson(pairingsJson, ctx.Errors) ?? pairings;

        var storage = c.Storage;
        var kindVar = Var("MOLTNET_STORAGE_KIND");
        if (kindVar is not null)
        {
            ctx.StorageKindGiven = true;
            if (StorageKindNames.Contains(kindVar)) storage = storage with { Kind = kindVar };
            else ctx.Errors.Add("MOLTNET_STORAGE_KIND", "", $"must be one of {string.Join(", ", StorageKindNames)} (got \"{kindVar}\")");
        }
        StorageSection WithKind(StorageSection s, string kind)
        {
            if (kindVar is not null) return s;
            ctx.StorageKindGiven = true;
            return s with { Kind = kind };
        }
        if (Var("MOLTNET_JSON_PATH") is { } jsonPath)
            storage = WithKind(storage with { Json = new JsonStoreSection { Path = jsonPath } }, StorageKinds.Json);
        if (Var("MOLTNET_DATA_PATH") is { } dataPath)
        {
            server = server with { DataPath = dataPath };
            storage = WithKind(storage, StorageKinds.Json);
        }
        if (Var("MOLTNET_SQLITE_PATH") is { } sqlitePath)
            storage = WithKind(storage with { Sqlite = new SqliteSection { Path = sqlitePath } }, StorageKinds.Sqlite);
        if (Var("MOLTNET_POSTGRES_DSN") is { } dsn)
            storage = WithKind(storage with { Postgres = new PostgresSection { Dsn = dsn } }, StorageKinds.Postgres);

        return c with { Network = network, Server = server, Pairings = pairings, Storage = storage };
    }

    /// <summary><c>1/true/yes/on</c> or <c>0/false/no/off</c> (any case); anything else is ignored (null).</summary>
    internal static bool? EnvBool(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        _ => null,
    };

    /// <summary>Pairings from <c>MOLTNET_PAIRINGS_JSON</c>: a JSON array; null (with errors) when it is not valid.</summary>
    private static List<PairingConfig>? PairingsFromJson(string json, ConfigErrors errors)
    {
        const string source = "MOLTNET_PAIRINGS_JSON";
        var before = errors.Items.Count;
        var root = ConfigTreeReader.Parse(json, json: true, "pairings", source, errors);
        if (root is null) return null;
        if (root.Kind != ConfigNodeKind.List)
        {
            errors.Add(source, "", $"must be a JSON array of pairings, got {root.Describe()}");
            return null;
        }
        var pairings = MapPairings(root.Items, source, errors, plaintext: null);
        return errors.Items.Count == before ? pairings : null;
    }
}
