using Moltnet.Configuration;
using Moltnet.Configuration.Tree;

namespace Moltnet.Silo.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] AuthModeNames = [AuthModes.None, AuthModes.Bearer, AuthModes.Open];
    private static readonly string[] RegistrationNames = [RegistrationModes.Disabled, RegistrationModes.Token, RegistrationModes.Open];
    private static readonly string[] ScopeNames = [Scopes.Observe, Scopes.Write, Scopes.Admin, Scopes.Attach, Scopes.Pair, Scopes.Exec];
    private static readonly string[] TokenKeys = ["id", "value", "value_file", "value_env", "scopes", "agents"];

    /// <summary>Auth is file-only (no environment overrides), so every auth rule is checked here.</summary>
    private static AuthSection MapAuth(ConfigMap m, LoadContext ctx)
    {
        var mode = NonEmpty(m.String("mode")) ?? AuthModes.None;
        CheckOneOf(m, "mode", mode, AuthModeNames);
        var registration = NonEmpty(m.String("agent_registration")) ?? RegistrationModes.Disabled;
        CheckOneOf(m, "agent_registration", registration, RegistrationNames);

        var tokens = new List<TokenConfig>();
        foreach (var node in m.List("tokens"))
            tokens.Add(MapToken(ConfigMap.Of(node, node.Path, ctx.Source, ctx.Errors, TokenKeys), ctx));
        if (mode == AuthModes.Bearer && tokens.Count == 0)
            m.Error("tokens", "bearer mode needs at least one token");
        CheckTokensTogether(m, tokens);

        var open = mode == AuthModes.Open;
        return new AuthSection
        {
            Mode = mode,
            PublicRead = open || (m.Bool("public_read") ?? false),
            AgentRegistration = open ? RegistrationModes.Open : registration,
            Tokens = tokens,
        };
    }

    private static TokenConfig MapToken(ConfigMap t, LoadContext ctx)
    {
        var value = t.String("value") ?? "";
        var valueFile = t.String("value_file") ?? "";
        var valueEnv = t.String("value_env") ?? "";
        var sources = (value.Length > 0 ? 1 : 0) + (valueFile.Length > 0 ? 1 : 0) + (valueEnv.Length > 0 ? 1 : 0);
        string secret = "";
        if (sources == 0)
            ctx.Errors.Add(ctx.Source, t.Path, "a secret is required: set one of value, value_file or value_env");
        else if (sources > 1)
            ctx.Errors.Add(ctx.Source, t.Path, "set only one of value, value_file or value_env");
        else if (value.Length > 0)
        {
            secret = value;
            ctx.PlaintextSecrets.Add(t.PathOf("value"));
        }
        else if (valueFile.Length > 0)
            secret = ReadSecretFile(t, valueFile, ctx);
        else
        {
            secret = ctx.Env(valueEnv) ?? "";
            if (secret.Length == 0) t.Error("value_env", $"environment variable {valueEnv} is not set or empty");
        }

        var id = NonEmpty(t.String("id"));
        if (id is not null && !Ids.IsValid(id)) t.Error("id", $"not a valid id (got \"{id}\")");
        id ??= secret.Length > 0 ? DefaultTokenId(secret) : "";

        var scopes = t.Strings("scopes") ?? [];
        if (scopes.Count == 0) t.Error("scopes", $"at least one scope is required ({string.Join(", ", ScopeNames)})");
        for (var i = 0; i < scopes.Count; i++)
        {
            if (!Scopes.All.Contains(scopes[i]))
                ctx.Errors.Add(ctx.Source, ConfigNode.Item(t.PathOf("scopes"), i), $"unknown scope \"{scopes[i]}\" (allowed: {string.Join(", ", ScopeNames)})");
        }
        var agents = t.Strings("agents") ?? [];
        for (var i = 0; i < agents.Count; i++)
        {
            if (!Ids.IsValid(agents[i]))
                ctx.Errors.Add(ctx.Source, ConfigNode.Item(t.PathOf("agents"), i), $"not a valid agent id (got \"{agents[i]}\")");
        }
        return new TokenConfig
        {
            Id = id,
            Value = secret,
            ValueFile = valueFile,
            ValueEnv = valueEnv,
            Scopes = scopes.Distinct(StringComparer.Ordinal).ToList(),
            Agents = agents.Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>The default id of a static token: <c>tok_</c> + hex of the first 8 bytes of SHA-256(value).</summary>
    public static string DefaultTokenId(string value) => "tok_" + Ids.Sha256Hex(value)[..16];

    private static string ReadSecretFile(ConfigMap t, string valueFile, LoadContext ctx)
    {
        var path = Path.GetFullPath(valueFile, ctx.BaseDir);
        try
        {
            var secret = File.ReadAllText(path).Trim();
            if (secret.Length == 0) t.Error("value_file", $"{path} is empty");
            return secret;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            t.Error("value_file", $"cannot read {path}: {ex.Message}");
            return "";
        }
    }

    /// <summary>Token ids and secrets are unique; an agent may be bound to one token only.</summary>
    private static void CheckTokensTogether(ConfigMap auth, List<TokenConfig> tokens)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, int>(StringComparer.Ordinal);
        var agents = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            var path = ConfigNode.Item(auth.PathOf("tokens"), i);
            var t = tokens[i];
            if (t.Id.Length > 0 && !ids.TryAdd(t.Id, i))
                auth.Errors.Add(auth.Source, ConfigNode.Child(path, "id"), $"duplicate token id \"{t.Id}\" (also auth.tokens[{ids[t.Id]}])");
            if (t.Value.Length > 0 && !secrets.TryAdd(t.Value, i))
                auth.Errors.Add(auth.Source, path, $"same secret as auth.tokens[{secrets[t.Value]}]");
            foreach (var agent in t.Agents)
            {
                if (!agents.TryAdd(agent, i))
                    auth.Errors.Add(auth.Source, ConfigNode.Child(path, "agents"), $"agent \"{agent}\" is already bound to auth.tokens[{agents[agent]}] (\"{tokens[agents[agent]].Id}\")");
            }
        }
    }
}
