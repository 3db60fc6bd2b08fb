using System.Text.Json;
using System.Text.RegularExpressions;

namespace Moltnet.Cli.Client;

/// <summary>Finds, loads, validates and atomically writes the client config (spec node-and-cli §1.4).</summary>
public static partial class ClientConfigFile
{
    public const string DefaultPath = ".moltnet/config.json";
    private const string LegacyPath = ".spawnfile/moltnet.json";

    /// <summary><c>--config</c> → <c>$MOLTNET_CLIENT_CONFIG</c> → <c>./.moltnet/config.json</c> → legacy; null if none exists.</summary>
    public static string? Discover(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath)) return explicitPath;
        if (Environment.GetEnvironmentVariable("MOLTNET_CLIENT_CONFIG") is { Length: > 0 } env) return env;
        if (File.Exists(DefaultPath)) return DefaultPath;
        return File.Exists(LegacyPath) ? LegacyPath : null;
    }

    /// <summary>Loads the discovered config or fails with <c>moltnet client config not found</c>.</summary>
    public static (ClientConfig Config, string Path) LoadRequired(string? explicitPath)
    {
        var path = Discover(explicitPath) ?? throw new CliException("moltnet client config not found");
        return (Load(path), path);
    }

    public static ClientConfig Load(string path)
    {
        if (!File.Exists(path)) throw new CliException($"moltnet client config not found: {path}");
        ClientConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(File.ReadAllText(path), ClientJson.Default.ClientConfig);
        }
        catch (JsonException e)
        {
            throw new CliException($"invalid moltnet client config {path}: {e.Message}");
        }
        if (config is null) throw new CliException($"invalid moltnet client config {path}: empty");
        Validate(config, path);
        return config;
    }

    public static void Validate(ClientConfig config, string path)
    {
        if (config.Version is not (ClientConfig.CurrentVersion or ClientConfig.LegacyVersion))
            throw new CliException($"{path}: unsupported version \"{config.Version}\"");
        if (config.Attachments.Count == 0) throw new CliException($"{path}: at least one attachment is required");
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < config.Attachments.Count; i++)
        {
            var a = config.Attachments[i];
            var where = $"{path}: attachments[{i}]";
            if (!IdPattern().IsMatch(a.NetworkId)) throw new CliException($"{where}.network_id: invalid id \"{a.NetworkId}\"");
            if (!IdPattern().IsMatch(a.MemberId)) throw new CliException($"{where}.member_id: invalid id \"{a.MemberId}\"");
            if (!seen.Add((a.NetworkId, a.MemberId)))
                throw new CliException($"{where}: duplicate attachment for network \"{a.NetworkId}\" member \"{a.MemberId}\"");
            if (!Uri.TryCreate(a.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new CliException($"{where}.base_url: must be an http(s) URL (got \"{a.BaseUrl}\")");
            var mode = a.Auth?.Mode ?? "";
            if (mode is not ("" or "none" or "bearer" or "open")) throw new CliException($"{where}.auth.mode: unsupported \"{mode}\"");
            if (mode == "bearer" && a.Auth?.HasSource != true) throw new CliException($"{where}.auth: bearer mode needs a token source");
        }
    }

    /// <summary>Writes <paramref name="config"/> as 2-space JSON through a 0600 temp file and a rename (parent dir 0700).</summary>
    public static void Save(ClientConfig config, string path) =>
        PrivateFiles.Write(path, JsonSerializer.Serialize(config, ClientJson.Default.ClientConfig) + "\n");

    public static void SaveIdentity(IdentityFile identity, string path) =>
        PrivateFiles.Write(path, JsonSerializer.Serialize(identity, ClientJson.Default.IdentityFile) + "\n");

    /// <summary>Picks one attachment by <c>--network</c> / <c>--member</c> (spec §1.4 "Attachment selection").</summary>
    public static ClientAttachment Select(ClientConfig config, string? network, string? member)
    {
        if (config.Attachments.Count == 1 && string.IsNullOrEmpty(network) && string.IsNullOrEmpty(member))
            return config.Attachments[0];
        var matches = config.Attachments
            .Where(a => string.IsNullOrEmpty(network) || a.NetworkId == network)
            .Where(a => string.IsNullOrEmpty(member) || a.MemberId == member)
            .ToList();
        if (matches.Count == 1) return matches[0];
        if (matches.Count == 0)
            throw new CliException($"no Moltnet attachment configured for {Describe(network, member)}");
        if (string.IsNullOrEmpty(network) && matches.Select(a => a.NetworkId).Distinct().Count() > 1)
            throw new CliException("multiple Moltnet attachments configured; --network is required");
        throw new CliException($"multiple Moltnet attachments configured for network \"{matches[0].NetworkId}\"; --member is required");
    }

    private static string Describe(string? network, string? member) =>
        (network, member) switch
        {
            ({ Length: > 0 }, { Length: > 0 }) => $"network \"{network}\" member \"{member}\"",
            ({ Length: > 0 }, _) => $"network \"{network}\"",
            _ => $"member \"{member}\"",
        };

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
    public static partial Regex IdPattern();
}
