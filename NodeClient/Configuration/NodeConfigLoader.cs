using Moltnet.Configuration;
using Moltnet.Configuration.Tree;

namespace Moltnet.NodeClient.Configuration;

/// <summary>
/// Loads <c>MoltnetNode</c> (spec node-and-cli §1.1–1.2): discovery, YAML or JSON with unknown keys rejected, runtime
/// defaults, applicability rules and token resolution. Every problem is collected before failing.
/// </summary>
public static partial class NodeConfigLoader
{
    /// <summary>The environment variable naming the node config file.</summary>
    public const string ConfigPathVariable = "MOLTNET_NODE_CONFIG";

    private static readonly string[] RootKeys = ["version", "moltnet", "attachments"];
    private static readonly string[] SharedKeys = ["base_url", "network_id", "auth_mode", "registration", "static_token", "token", "token_env", "token_path"];
    private static readonly string[] AuthModeNames = [AuthModes.None, AuthModes.Bearer, AuthModes.Open];
    private static readonly string[] RegistrationNames = [RegistrationModes.Disabled, RegistrationModes.Token, RegistrationModes.Open];

    /// <summary>The file names looked for in the working directory, in order.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["MoltnetNode", "moltnet-node.yaml", "moltnet-node.yml", "moltnet-node.json"];

    /// <summary>
    /// Loads <paramref name="explicitPath"/> if given, else <c>$MOLTNET_NODE_CONFIG</c>, else the first of
    /// <see cref="FileNames"/> in <paramref name="workingDirectory"/>.
    /// </summary>
    /// <exception cref="NodeConfigException">No config was found, or it is malformed or invalid.</exception>
    public static MoltnetNode Load(string? explicitPath, string workingDirectory, Func<string, string?> env)
    {
        var given = !string.IsNullOrEmpty(explicitPath) ? explicitPath : env(ConfigPathVariable);
        if (!string.IsNullOrEmpty(given)) return LoadFrom(Path.GetFullPath(given, workingDirectory), given, env);
        var found = FindFile(workingDirectory) ?? throw new NodeConfigException(["MoltnetNode config not found"]);
        return LoadFrom(found, Path.GetFileName(found), env);
    }

    /// <summary>Loads one file (relative paths from the process working directory).</summary>
    /// <exception cref="NodeConfigException">The file is missing, malformed or invalid.</exception>
    public static MoltnetNode LoadFile(string path, Func<string, string?> env) => LoadFrom(Path.GetFullPath(path), path, env);

    /// <summary>The first of <see cref="FileNames"/> that exists in <paramref name="directory"/>, or null.</summary>
    public static string? FindFile(string directory) =>
        FileNames.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);

    private static MoltnetNode LoadFrom(string fullPath, string source, Func<string, string?> env)
    {
        var ctx = new NodeLoadContext(source, Path.GetDirectoryName(fullPath)!, env);
        var tree = ConfigTreeReader.ReadFile(fullPath, source, ctx.Errors);
        if (ctx.Errors.Any) throw new NodeConfigException(ctx.Errors.Items);

        var node = Map(ConfigMap.Of(tree, "", source, ctx.Errors, RootKeys), ctx);
        if (ctx.InlineTokens.Count > 0 && FileSafety.PrivateFileProblem(fullPath) is { } problem)
            ctx.Errors.Add(source, "", $"{problem}: it holds plaintext tokens ({string.Join(", ", ctx.InlineTokens)})");
        if (ctx.Errors.Any) throw new NodeConfigException(ctx.Errors.Items);
        return node with { SourcePath = fullPath };
    }

    /// <summary>Checks in the spec's order: version, base_url, network_id, the shared open rule, then each attachment.</summary>
    private static MoltnetNode Map(ConfigMap root, NodeLoadContext ctx)
    {
        var version = root.String("version");
        if (version is not null && version != MoltnetNode.CurrentVersion)
            root.Error("version", $"must be {MoltnetNode.CurrentVersion} (got \"{version}\")");

        var shared = MapShared(root.Map("moltnet", SharedKeys), ctx);
        var attachments = new List<NodeAttachment>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodes = root.List("attachments");
        for (var i = 0; i < nodes.Count; i++)
        {
            var a = MapAttachment(nodes[i], i, shared, ctx);
            if (a.Agent.Id.Length > 0 && !ids.TryAdd(a.Agent.Id, i))
                ctx.Error(i, "agent.id", $"duplicate agent id \"{a.Agent.Id}\" (also attachments[{ids[a.Agent.Id]}])");
            attachments.Add(a);
        }
        return new MoltnetNode { Version = version ?? MoltnetNode.CurrentVersion, Moltnet = shared, Attachments = attachments };
    }

    private static NodeMoltnetSection MapShared(ConfigMap m, NodeLoadContext ctx)
    {
        var baseUrl = m.String("base_url") ?? "";
        if (baseUrl.Length == 0) m.Error("base_url", "required");
        else if (!ConfigUrl.IsValid(baseUrl, "http", "https")) m.Error("base_url", $"must be an http or https URL with a host (got \"{baseUrl}\")");
        var networkId = m.String("network_id") ?? "";
        if (networkId.Length == 0) m.Error("network_id", "required");
        var mode = m.String("auth_mode") ?? "";
        if (mode.Length > 0 && !AuthModeNames.Contains(mode))
            m.Error("auth_mode", $"must be one of {string.Join(", ", AuthModeNames)} (got \"{mode}\")");
        var registration = m.String("registration") ?? "";
        if (registration.Length > 0 && !RegistrationNames.Contains(registration))
            m.Error("registration", $"must be one of {string.Join(", ", RegistrationNames)} (got \"{registration}\")");
        var tokens = MapTokenSources(m, ctx);
        var section = new NodeMoltnetSection
        {
            BaseUrl = baseUrl,
            NetworkId = networkId,
            AuthMode = mode,
            Registration = registration,
            StaticToken = m.Bool("static_token") ?? false,
            Tokens = tokens,
        };
        ctx.SharedToken = new Lazy<ResolvedToken>(
            () => Resolve(tokens, EffectiveMode(mode, tokens), ctx, m.Error), LazyThreadSafetyMode.None);
        CheckSharedOpenRule(m, section, ctx);
        return section;
    }

    private sealed class NodeLoadContext(string source, string baseDir, Func<string, string?> env)
    {
        public string Source { get; } = source;

        /// <summary>The config file's directory: base of relative token paths.</summary>
        public string BaseDir { get; } = baseDir;

        public Func<string, string?> Env { get; } = env;

        public ConfigErrors Errors { get; } = new();

        /// <summary>Paths of plaintext tokens written in the file.</summary>
        public List<string> InlineTokens { get; } = [];

        /// <summary>The shared block's token, resolved (and its errors reported) only when something uses it.</summary>
        public Lazy<ResolvedToken>? SharedToken { get; set; }

        /// <summary>Records <c>attachments[i]: key: problem</c>.</summary>
        public void Error(int attachment, string key, string problem) =>
            Errors.Add(Source, $"attachments[{attachment}]: {key}", problem);
    }
}
