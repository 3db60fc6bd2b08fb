namespace Moltnet.Grains;

/// <summary>Who is calling, as established by the web layer's authentication. Grains decide with it; they never
/// see the credential itself.</summary>
public sealed record Caller
{
    /// <summary><c>anonymous</c>, <c>token:&lt;id&gt;</c> for static tokens, <c>agent-token:&lt;hash&gt;</c> for agent tokens.</summary>
    public string CredentialKey { get; init; } = AnonymousKey;
    public IReadOnlySet<string> Scopes { get; init; } = Empty;
    public CallerKind Kind { get; init; } = CallerKind.Anonymous;
    /// <summary>Local agent ids a static token may assert; empty = any. An agent token may assert only its own id.</summary>
    public IReadOnlyList<string> AllowedAgents { get; init; } = [];
    /// <summary>True when the server runs with <c>auth.mode: none</c>: no checks at all.</summary>
    public bool ModeNone { get; init; }
    /// <summary>Where the request came from, for per-identity limits (<c>addr:&lt;ip&gt;</c> when anonymous).</summary>
    public string Identity { get; init; } = "addr:unknown";

    public const string AnonymousKey = "anonymous";
    private static readonly IReadOnlySet<string> Empty = new HashSet<string>();

    public static readonly Caller Unrestricted = new() { ModeNone = true };

    public bool Has(string scope) => Scopes.Contains(scope);

    /// <summary>Sees every room and the private roster: mode none, observe or admin.</summary>
    public bool SeesEverything => ModeNone || Has(Configuration.Scopes.Observe) || Has(Configuration.Scopes.Admin);
}

public enum CallerKind
{
    Anonymous,
    StaticToken,
    AgentToken,
}
