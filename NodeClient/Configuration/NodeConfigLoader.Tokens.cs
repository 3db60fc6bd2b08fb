using Moltnet.Configuration;
using Moltnet.Configuration.Tree;

namespace Moltnet.NodeClient.Configuration;

public static partial class NodeConfigLoader
{
    private const string AgentTokenPrefix = "magt_v1_";

    /// <summary>A resolved token: the value (null when none or not claimed yet), its source key and the absolute token path.</summary>
    private sealed record ResolvedToken(string? Token, string Source, string Path);

    /// <summary>Reads <c>token</c>, <c>token_env</c>, <c>token_path</c> of a block; inline tokens are remembered for the file check.</summary>
    private static NodeTokenSources MapTokenSources(ConfigMap m, NodeLoadContext ctx)
    {
        var token = m.String("token") ?? "";
        if (token.Length > 0) ctx.InlineTokens.Add(m.PathOf("token"));
        return new NodeTokenSources { Token = token, TokenEnv = m.String("token_env") ?? "", TokenPath = m.String("token_path") ?? "" };
    }

    private static string EffectiveMode(string authMode, NodeTokenSources sources) =>
        AuthModeNames.Contains(authMode) ? authMode : sources.Any ? AuthModes.Bearer : AuthModes.None;

    /// <summary>
    /// In open mode a shared token is a static one: <c>static_token: true</c> is required and it must not be a generated
    /// agent token (those belong to one attachment).
    /// </summary>
    private static void CheckSharedOpenRule(ConfigMap m, NodeMoltnetSection shared, NodeLoadContext ctx)
    {
        if (shared.AuthMode != AuthModes.Open || !shared.Tokens.Any) return;
        if (!shared.StaticToken)
            m.Error("static_token", "must be true when the shared moltnet block has a token in open mode (per-agent tokens go in attachments[].moltnet)");
        var resolved = ctx.SharedToken!.Value;
        if (resolved.Token?.StartsWith(AgentTokenPrefix, StringComparison.Ordinal) == true)
            m.Error(resolved.Source, $"a generated agent token ({AgentTokenPrefix}…) cannot be shared; put it in one attachment's moltnet block");
    }

    /// <summary>The attachment's effective auth: its own token sources replace all shared ones (spec §1.2).</summary>
    private static NodeCredentials Credentials(int i, NodeTokenSources own, NodeMoltnetSection shared, NodeLoadContext ctx)
    {
        var inherits = !own.Any;
        var sources = inherits ? shared.Tokens : own;
        var mode = EffectiveMode(shared.AuthMode, sources);
        var credentials = new NodeCredentials { AuthMode = mode, Registration = shared.Registration, StaticToken = shared.StaticToken };
        if (mode == AuthModes.None)
        {
            if (shared.StaticToken) ctx.Error(i, "moltnet.static_token", "not allowed when the auth mode is none");
            return credentials;
        }
        if (!sources.Any)
        {
            ctx.Error(i, "moltnet", mode == AuthModes.Bearer
                ? "bearer auth needs a token source (token, token_env or token_path)"
                : "open auth needs a token source, normally token_path (where the claimed agent token is kept)");
            return credentials;
        }
        var r = inherits ? ctx.SharedToken!.Value : Resolve(own, mode, ctx, (key, problem) => ctx.Error(i, $"moltnet.{key}", problem));
        return credentials with { Token = r.Token, TokenSource = r.Source, TokenPath = r.Path };
    }

    /// <summary>Precedence token → token_env → token_path; a configured source that fails is an error (no fall-through).</summary>
    private static ResolvedToken Resolve(NodeTokenSources s, string mode, NodeLoadContext ctx, Action<string, string> error)
    {
        var path = s.TokenPath.Length > 0 ? Path.GetFullPath(s.TokenPath, ctx.BaseDir) : "";
        if (s.Token.Length > 0) return new ResolvedToken(s.Token.Trim(), "token", path);
        if (s.TokenEnv.Length > 0)
        {
            var value = ctx.Env(s.TokenEnv)?.Trim();
            if (string.IsNullOrEmpty(value)) error("token_env", $"environment variable {s.TokenEnv} is not set or empty");
            return new ResolvedToken(string.IsNullOrEmpty(value) ? null : value, "token_env", path);
        }
        if (path.Length == 0) return new ResolvedToken(null, "", "");
        return new ResolvedToken(ReadTokenFile(path, mode == AuthModes.Open, error), "token_path", path);
    }

    /// <summary>
    /// Reads a token file: not a symlink or directory, private (mode &amp; 077 == 0), non-empty after trimming. In open
    /// mode a missing file means the agent has not claimed its token yet (null, no error).
    /// </summary>
    private static string? ReadTokenFile(string path, bool open, Action<string, string> error)
    {
        if (!FileSafety.IsSymlink(path) && !Directory.Exists(path) && !File.Exists(path))
        {
            if (!open) error("token_path", $"{path} does not exist");
            return null;
        }
        if (FileSafety.PrivateFileProblem(path) is { } problem)
        {
            error("token_path", $"{path} {problem}");
            return null;
        }
        try
        {
            var token = File.ReadAllText(path).Trim();
            if (token.Length > 0) return token;
            error("token_path", $"{path} is empty");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error("token_path", $"cannot read {path}: {ex.Message}");
        }
        return null;
    }
}
