using System.Text.Json;
using Moltnet.Wire;

namespace Moltnet.NodeClient.RemoteNodes;

/// <summary>The node-side exec policy, <c>~/.moltnet/node-policy.json</c>. The node enforces it; the server only displays
/// it and cannot change it. Missing file: <c>full</c>, no directory roots.</summary>
public sealed record NodePolicy
{
    public string Mode { get; init; } = Full;
    /// <summary>For <c>allowlist</c>: program names (the command's first word) that may run; shell operators are refused.</summary>
    public IReadOnlyList<string>? Allowlist { get; init; }
    /// <summary>When set, working directories must lie inside one of these directories.</summary>
    public IReadOnlyList<string>? WorkingDirRoots { get; init; }
    public int? MaxTimeoutSecs { get; init; }
    public int? MaxOutputBytes { get; init; }

    public const string Deny = "deny";
    public const string AllowlistMode = "allowlist";
    public const string Full = "full";
    public const int DefaultMaxOutputBytes = 200_000;

    public int OutputCap => MaxOutputBytes is > 0 ? MaxOutputBytes.Value : DefaultMaxOutputBytes;

    public static NodePolicy Load(string path)
    {
        if (!File.Exists(path)) return new NodePolicy();
        NodePolicy policy;
        try
        {
            policy = JsonSerializer.Deserialize(File.ReadAllText(path), RemoteNodeJson.Default.NodePolicy) ?? new NodePolicy();
        }
        catch (JsonException e)
        {
            throw new RemoteNodeException($"{path} is not valid JSON: {e.Message}");
        }
        if (policy.Mode is not (Deny or AllowlistMode or Full))
            throw new RemoteNodeException($"{path}: mode must be deny, allowlist or full (got \"{policy.Mode}\")");
        if (policy.WorkingDirRoots?.Any(r => !Path.IsPathRooted(r)) == true)
            throw new RemoteNodeException($"{path}: working_dir_roots must be absolute paths");
        return policy;
    }

    public NodePolicyInfo ToInfo() => new()
    {
        Mode = Mode,
        Allowlist = Allowlist,
        WorkingDirRoots = WorkingDirRoots,
        MaxTimeoutSecs = MaxTimeoutSecs,
        MaxOutputBytes = OutputCap,
    };

    private static readonly char[] ShellOperators = [';', '|', '&', '`', '$', '(', ')', '<', '>', '\n', '\r', '\\', '*', '?', '{', '}'];

    /// <summary>Why <paramref name="command"/> may not run, or null.</summary>
    public string? Refuse(string command)
    {
        switch (Mode)
        {
            case Deny:
                return "exec is denied by the node policy";
            case AllowlistMode:
                if (command.IndexOfAny(ShellOperators) >= 0) return "the node policy (allowlist) refuses shell operators";
                var program = command.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
                return Allowlist?.Contains(program, StringComparer.Ordinal) == true
                    ? null
                    : $"\"{program}\" is not in the node policy allowlist";
            default:
                return null;
        }
    }

    /// <summary>Why <paramref name="directory"/> (full path) may not be used, or null.</summary>
    public string? RefuseDirectory(string directory)
    {
        if (WorkingDirRoots is not { Count: > 0 } roots) return null;
        var real = Resolve(directory);
        return roots.Any(r => Inside(real, Resolve(r)))
            ? null
            : $"working directory {directory} is outside the node policy's working_dir_roots";
    }

    private static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var info = new DirectoryInfo(full);
            if (info.ResolveLinkTarget(returnFinalTarget: true) is { } target) full = target.FullName;
        }
        catch (IOException)
        {
        }
        return Path.TrimEndingDirectorySeparator(full);
    }

    private static bool Inside(string path, string root) =>
        path == root || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
