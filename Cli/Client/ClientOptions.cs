using System.CommandLine;

namespace Moltnet.Cli.Client;

/// <summary>The connection flags every client command shares, and how they combine with the client config and env.</summary>
public sealed class ClientOptions
{
    public Option<string?> Config { get; } = new("--config") { Description = "Client config (default: $MOLTNET_CLIENT_CONFIG, then ./.moltnet/config.json)" };
    public Option<string?> Network { get; } = new("--network") { Description = "Pick the attachment of this network id" };
    public Option<string?> Member { get; } = new("--member") { Description = "Pick the attachment of this member id" };
    public Option<string?> BaseUrl { get; } = new("--base-url") { Description = "Server URL (overrides the config)" };
    public Option<string?> Token { get; } = new("--token") { Description = "Bearer token (overrides the config)" };
    public Option<string?> TokenEnv { get; } = new("--token-env") { Description = "Read the bearer token from this environment variable" };
    public Option<string?> TokenPath { get; } = new("--token-path") { Description = "Read the bearer token from this file (mode 0600)" };
    public Option<string?> AuthMode { get; } = new("--auth-mode") { Description = "none|bearer|open (a token implies bearer)" };
    public Option<bool> Json { get; } = new("--json") { Description = "Machine output: one compact JSON line on stdout" };

    /// <summary>Adds the shared options to <paramref name="command"/>; <paramref name="selection"/> false omits --network/--member.</summary>
    public ClientOptions AddTo(Command command, bool selection = true, bool authMode = false)
    {
        if (authMode)
        {
            AuthMode.AcceptOnlyFromAmong("none", "bearer", "open");
            command.Options.Add(AuthMode);
        }
        command.Options.Add(Config);
        if (selection)
        {
            command.Options.Add(Network);
            command.Options.Add(Member);
        }
        command.Options.Add(BaseUrl);
        command.Options.Add(Token);
        command.Options.Add(TokenEnv);
        command.Options.Add(TokenPath);
        command.Options.Add(Json);
        return this;
    }

    /// <summary>
    /// The server and credential to use. With <paramref name="requireConfig"/> the client config must exist and an attachment
    /// is selected; otherwise <c>--base-url</c> alone is enough. Flags win over the attachment; token flags replace its source.
    /// </summary>
    public Connection Resolve(ParseResult parse, bool requireConfig, string? missingConfig = null)
    {
        var baseUrl = parse.GetValue(BaseUrl);
        var explicitConfig = parse.GetValue(Config);
        ClientAttachment? attachment = null;
        string? configPath = null;
        ClientConfig? config = null;
        if (requireConfig || !string.IsNullOrEmpty(explicitConfig) || string.IsNullOrEmpty(baseUrl))
        {
            var path = ClientConfigFile.Discover(explicitConfig);
            if (path is null)
            {
                if (requireConfig) throw new CliException("moltnet client config not found");
                throw new CliException(missingConfig ?? "moltnet client config not found; pass --base-url or --config");
            }
            config = ClientConfigFile.Load(path);
            configPath = path;
            attachment = ClientConfigFile.Select(config, parse.GetValue(Network), parse.GetValue(Member));
        }
        baseUrl = string.IsNullOrEmpty(baseUrl) ? attachment?.BaseUrl : baseUrl;
        if (string.IsNullOrEmpty(baseUrl)) throw new CliException("--base-url is required");
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliException($"--base-url must be an http(s) URL (got \"{baseUrl}\")");
        string? token;
        var (t, te, tp) = (parse.GetValue(Token), parse.GetValue(TokenEnv), parse.GetValue(TokenPath));
        if (!string.IsNullOrEmpty(t) || !string.IsNullOrEmpty(te) || !string.IsNullOrEmpty(tp))
            token = Tokens.Resolve(t, te, tp, null);
        else
            token = attachment?.Auth is { } auth && auth.Mode != "none"
                ? Tokens.Resolve(auth.Token, auth.TokenEnv, auth.TokenPath, ConfigDirectory(configPath))
                : null;
        return new Connection(new MoltnetHttp(baseUrl, token), attachment, config, configPath, parse.GetValue(Json));
    }

    public static string? ConfigDirectory(string? configPath) =>
        configPath is null ? null : Path.GetDirectoryName(Path.GetFullPath(configPath));
}

/// <summary>A resolved server connection, the selected attachment (if a config was loaded), and the output mode.</summary>
public sealed record Connection(MoltnetHttp Http, ClientAttachment? Attachment, ClientConfig? Config, string? ConfigPath, bool Json) : IDisposable
{
    public ClientAttachment RequireAttachment() => Attachment ?? throw new CliException("moltnet client config not found");

    public void Dispose() => Http.Dispose();
}
