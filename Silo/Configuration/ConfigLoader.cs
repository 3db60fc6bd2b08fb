using Moltnet.Configuration;
using Moltnet.Configuration.Tree;

namespace Moltnet.Silo.Configuration;

/// <summary>
/// Loads the server config (spec server-protocol §7): discovery, YAML or JSON parsing with unknown keys rejected,
/// environment overrides, token secret resolution and strict validation that reports every problem at once.
/// </summary>
public static partial class ConfigLoader
{
    /// <summary>The environment variable naming the config file.</summary>
    public const string ConfigPathVariable = "MOLTNET_CONFIG";

    /// <summary>Source label for errors about values that did not come from a file.</summary>
    private const string NoFileSource = "environment";

    private static readonly string[] RootKeys = ["version", "network", "server", "auth", "storage", "rooms", "pairings", "limits", "relay"];

    /// <summary>The file names looked for in the working directory, in order.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["Moltnet", "moltnet.yaml", "moltnet.yml", "moltnet.json"];

    /// <summary>Loads from the process working directory and environment.</summary>
    public static MoltnetConfig Load() => Load(null, Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable);

    /// <summary>
    /// Loads <paramref name="explicitPath"/> if given, else <c>$MOLTNET_CONFIG</c>, else the first of
    /// <see cref="FileNames"/> in <paramref name="workingDirectory"/>; with none of these, defaults plus environment.
    /// </summary>
    /// <exception cref="ConfigException">The config is missing, malformed or invalid.</exception>
    public static MoltnetConfig Load(string? explicitPath, string workingDirectory, Func<string, string?> env)
    {
        var given = !string.IsNullOrEmpty(explicitPath) ? explicitPath : env(ConfigPathVariable);
        if (!string.IsNullOrEmpty(given)) return LoadFrom(Path.GetFullPath(given, workingDirectory), given, env);
        var found = FindFile(workingDirectory);
        return found is null
            ? Build(null, NoFileSource, null, workingDirectory, env)
            : LoadFrom(found, Path.GetFileName(found), env);
    }

    /// <summary>Loads one file (relative paths from the process working directory), with environment overrides.</summary>
    /// <exception cref="ConfigException">The file is missing, malformed or invalid.</exception>
    public static MoltnetConfig LoadFile(string path, Func<string, string?> env) => LoadFrom(Path.GetFullPath(path), path, env);

    /// <summary>The first of <see cref="FileNames"/> that exists in <paramref name="directory"/>, or null.</summary>
    public static string? FindFile(string directory) =>
        FileNames.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);

    /// <summary>Adapts a dictionary to the environment lookup the loader takes (missing keys read as null).</summary>
    public static Func<string, string?> EnvFrom(IReadOnlyDictionary<string, string?> variables) =>
        name => variables.TryGetValue(name, out var value) ? value : null;

    private static MoltnetConfig LoadFrom(string fullPath, string source, Func<string, string?> env)
    {
        var errors = new ConfigErrors();
        var root = ConfigTreeReader.ReadFile(fullPath, source, errors);
        if (errors.Any) throw new ConfigException(errors.Items);
        return Build(root, source, fullPath, Path.GetDirectoryName(fullPath)!, env);
    }

    private static MoltnetConfig Build(ConfigNode? root, string source, string? fullPath, string baseDir, Func<string, string?> env)
    {
        var ctx = new LoadContext(source, baseDir, env);
        var config = MapRoot(ConfigMap.Of(root, "", source, ctx.Errors, RootKeys), ctx);
        config = ApplyEnvironment(config, ctx);
        config = Finish(config, ctx);
        if (fullPath is not null) CheckSecretsFile(fullPath, ctx);
        if (ctx.Errors.Any) throw new ConfigException(ctx.Errors.Items);
        return config with { SourcePath = fullPath };
    }

    private static MoltnetConfig MapRoot(ConfigMap root, LoadContext ctx)
    {
        var version = root.String("version");
        if (version is not null && version != "moltnet.v1")
            root.Error("version", $"must be moltnet.v1 (got \"{version}\")");
        return new MoltnetConfig
        {
            Network = MapNetwork(root.Map("network", "id", "name")),
            Server = MapServer(root.Map("server", ServerKeys)),
            Auth = MapAuth(root.Map("auth", "mode", "public_read", "agent_registration", "tokens"), ctx),
            Storage = MapStorage(root.Map("storage", "kind", "sqlite", "json", "postgres", "event_retention"), ctx),
            Rooms = MapRooms(root),
            Pairings = MapPairings(root.List("pairings"), ctx.Source, ctx.Errors, ctx.PlaintextSecrets),
            Limits = MapLimits(root.Map("limits", LimitKeys)),
            Relay = MapRelay(root.Map("relay", RelayKeys)),
        };
    }

    /// <summary>Reports <paramref name="value"/> unless it is one of <paramref name="allowed"/>; returns whether it is.</summary>
    private static bool CheckOneOf(ConfigMap map, string key, string value, params ReadOnlySpan<string> allowed)
    {
        if (allowed.Contains(value)) return true;
        map.Error(key, $"must be one of {string.Join(", ", allowed.ToArray())} (got \"{value}\")");
        return false;
    }

    private sealed class LoadContext(string source, string baseDir, Func<string, string?> env)
    {
        public string Source { get; } = source;

        /// <summary>The config file's directory (or the working directory without a file): base of relative paths.</summary>
        public string BaseDir { get; } = baseDir;

        public Func<string, string?> Env { get; } = env;

        public ConfigErrors Errors { get; } = new();

        /// <summary>Paths of plaintext secrets found in the file.</summary>
        public List<string> PlaintextSecrets { get; } = [];

        /// <summary>True when storage.kind was written in the file or set by the environment.</summary>
        public bool StorageKindGiven { get; set; }
    }
}
