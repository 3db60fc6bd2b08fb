using Moltnet.Configuration;
using Moltnet.Configuration.Tree;

namespace Moltnet.Silo.Configuration;

public static partial class ConfigLoader
{
    /// <summary>Rules that span keys or depend on environment overrides: storage defaults and requirements, analytics.</summary>
    private static MoltnetConfig Finish(MoltnetConfig c, LoadContext ctx)
    {
        var s = c.Storage;
        if (s.Kind.Length == 0) s = s with { Kind = c.Server.DataPath.Length > 0 ? StorageKinds.Json : StorageKinds.Sqlite };
        switch (s.Kind)
        {
            case StorageKinds.Sqlite when s.Sqlite.Path.Length == 0:
                if (ctx.StorageKindGiven) Require("storage.sqlite.path", "sqlite", "MOLTNET_SQLITE_PATH");
                else s = s with { Sqlite = new SqliteSection() };
                break;
            case StorageKinds.Json when s.Json.Path.Length == 0:
                if (c.Server.DataPath.Length > 0) s = s with { Json = new JsonStoreSection { Path = c.Server.DataPath } };
                else Require("storage.json.path", "json", "MOLTNET_JSON_PATH");
                break;
            case StorageKinds.Postgres when s.Postgres.Dsn.Length == 0:
                Require("storage.postgres.dsn", "postgres", "MOLTNET_POSTGRES_DSN");
                break;
        }

        if (c.Server.Console.Analytics is { } a)
        {
            const string path = "server.console.analytics";
            if (a.Provider.Length == 0 || a.MeasurementId.Length == 0)
                ctx.Errors.Add(ctx.Source, path, "provider and measurement_id must be set together (or both left out)");
            if (a.Provider.Length > 0 && a.Provider != "google")
                ctx.Errors.Add(ctx.Source, ConfigNode.Child(path, "provider"), $"must be google (got \"{a.Provider}\")");
            if (a.MeasurementId.Length > 0 && !a.MeasurementId.StartsWith("G-", StringComparison.Ordinal))
                ctx.Errors.Add(ctx.Source, ConfigNode.Child(path, "measurement_id"), $"must start with \"G-\" (got \"{a.MeasurementId}\")");
        }
        return c with { Storage = s };

        void Require(string key, string kind, string variable) =>
            ctx.Errors.Add(ctx.Source, key, $"required when storage.kind is {kind} (or set {variable})");
    }

    /// <summary>A file holding plaintext secrets must be a private regular file (not a symlink, no group/other access).</summary>
    private static void CheckSecretsFile(string fullPath, LoadContext ctx)
    {
        if (ctx.PlaintextSecrets.Count == 0) return;
        var held = string.Join(", ", ctx.PlaintextSecrets);
        if (FileSafety.PrivateFileProblem(fullPath) is { } problem)
        {
            ctx.Errors.Add(ctx.Source, "",
                $"{problem}: it holds plaintext secrets ({held}); fix the file or move them to value_file/value_env");
        }
    }
}
