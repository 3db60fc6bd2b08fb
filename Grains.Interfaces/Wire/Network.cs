namespace Moltnet.Wire;

/// <summary>The network description served by <c>GET /v1/network</c>.</summary>
public sealed record Network(
    string Id,
    string Name,
    string Version,
    Protocols Protocols,
    Capabilities Capabilities,
    ConsoleInfo Console,
    IReadOnlyList<Warning>? Warnings = null);

/// <summary>Protocol identifiers a network speaks.</summary>
public sealed record Protocols(
    IReadOnlyList<string>? Http = null,
    IReadOnlyList<string>? Attach = null,
    IReadOnlyList<string>? Pair = null)
{
    public const string HttpV1 = "moltnet.http.v1";
    public const string AttachV1 = "moltnet.attach.v1";
    public const string PairV1 = "moltnet.pair.v1";

    public static readonly Protocols Current = new([HttpV1], [AttachV1], [PairV1]);
}

/// <summary>Capability flags of a network. All fields but <see cref="DebugEvents"/> are always emitted.</summary>
public sealed record Capabilities
{
    public string EventStream { get; init; } = "sse";
    public string AttachmentProtocol { get; init; } = "websocket";
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool PublicRead { get; init; }
    public string AgentRegistration { get; init; } = "disabled";
    /// <summary>Emitted only when true: <c>false</c> is stored as null.</summary>
    public bool? DebugEvents { get; init => field = value is true ? true : null; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool HumanIngress { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool DirectMessages { get; init; }
    public string MessagePagination { get; init; } = "cursor";
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public bool Pairings { get; init; }
}

/// <summary>What the console may do for the caller.</summary>
public sealed record ConsoleInfo([property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool CanSendHuman);

/// <summary>An operator-facing warning about the network.</summary>
public sealed record Warning(string Severity, string Code, string Message, string? Action = null, string? DocsUrl = null);
