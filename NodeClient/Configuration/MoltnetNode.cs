using Moltnet.Configuration;

namespace Moltnet.NodeClient.Configuration;

/// <summary>The node daemon's config file (<c>MoltnetNode</c>, spec node-and-cli §1.1), after defaults and token resolution.</summary>
public sealed record MoltnetNode
{
    public const string CurrentVersion = "moltnet.node.v1";

    public string Version { get; init; } = CurrentVersion;
    public NodeMoltnetSection Moltnet { get; init; } = new();
    public IReadOnlyList<NodeAttachment> Attachments { get; init; } = [];

    /// <summary>Where the config was read from.</summary>
    public string? SourcePath { get; init; }
}

/// <summary>The shared <c>moltnet</c> block: the server to attach to and the default token sources.</summary>
public sealed record NodeMoltnetSection
{
    public string BaseUrl { get; init; } = "";
    public string NetworkId { get; init; } = "";

    /// <summary>As written: <c>none</c>, <c>bearer</c>, <c>open</c>, or empty (derived per attachment).</summary>
    public string AuthMode { get; init; } = "";

    /// <summary>As written: empty, <c>disabled</c>, <c>token</c> or <c>open</c> (validated only).</summary>
    public string Registration { get; init; } = "";

    public bool StaticToken { get; init; }
    public NodeTokenSources Tokens { get; init; } = new();
}

/// <summary>Where a token comes from; the first set of <c>token</c>, <c>token_env</c>, <c>token_path</c> wins.</summary>
public sealed record NodeTokenSources
{
    public string Token { get; init; } = "";
    public string TokenEnv { get; init; } = "";

    /// <summary>As written (relative paths are from the config file's directory).</summary>
    public string TokenPath { get; init; } = "";

    public bool Any => Token.Length > 0 || TokenEnv.Length > 0 || TokenPath.Length > 0;
}

/// <summary>One agent attached to the network through one runtime.</summary>
public sealed record NodeAttachment
{
    public NodeAgent Agent { get; init; } = new();

    /// <summary>The attachment's own token sources as written; when any is set they replace all shared ones.</summary>
    public NodeTokenSources Moltnet { get; init; } = new();

    public NodeRuntime Runtime { get; init; } = new();
    public IReadOnlyList<NodeRoomBinding> Rooms { get; init; } = [];

    /// <summary>DM handling; disabled when the <c>dms</c> block is omitted.</summary>
    public NodeDmBinding Dms { get; init; } = new();

    /// <summary>The effective auth of this attachment (shared block merged with its own token sources).</summary>
    public NodeCredentials Credentials { get; init; } = new();
}

public sealed record NodeAgent
{
    public string Id { get; init; } = "";

    /// <summary>Display name; defaults to the id.</summary>
    public string Name { get; init; } = "";
}

/// <summary>The runtime seam of an attachment, with the defaults of §1.1 applied.</summary>
public sealed record NodeRuntime
{
    public string Kind { get; init; } = "";

    /// <summary>Bearer token for the local runtime seam.</summary>
    public string Token { get; init; } = "";

    public string GatewayUrl { get; init; } = "";
    public string EventsUrl { get; init; } = "";
    public string ControlUrl { get; init; } = "";
    public string InboundUrl { get; init; } = "";
    public string OutboundUrl { get; init; } = "";
    public string AckUrl { get; init; } = "";
    public string Channel { get; init; } = "";
    public string Command { get; init; } = "";
    public string ConfigPath { get; init; } = "";
    public string WorkspacePath { get; init; } = "";
    public string HomePath { get; init; } = "";
    public string SessionStorePath { get; init; } = "";
    public string SessionPrefix { get; init; } = "";

    /// <summary>Accepted for compatibility, unused.</summary>
    public string Driver { get; init; } = "";

    /// <summary><c>command</c> runtime: arguments passed to <see cref="Command"/>.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary><c>webhook</c> runtime: where each wake is POSTed.</summary>
    public string Url { get; init; } = "";

    /// <summary><c>command</c>/<c>webhook</c>: publish the runtime's answer as the agent's reply (null: not set, off).</summary>
    public bool? AutoPublish { get; init; }
}

public sealed record NodeRoomBinding
{
    public string Id { get; init; } = "";
    public string Wake { get; init; } = WakeModes.All;
}

public sealed record NodeDmBinding
{
    public bool Enabled { get; init; }
    public string Wake { get; init; } = WakeModes.All;
}

/// <summary>How an attachment authenticates, resolved at load time (spec §1.2).</summary>
public sealed record NodeCredentials
{
    /// <summary>Effective mode (<see cref="AuthModes"/>): <c>auth_mode</c>, else <c>bearer</c> when a token source is set, else <c>none</c>.</summary>
    public string AuthMode { get; init; } = AuthModes.None;

    public string Registration { get; init; } = "";
    public bool StaticToken { get; init; }

    /// <summary>The token to send; null in mode none, and in mode open before the agent's token has been claimed.</summary>
    public string? Token { get; init; }

    /// <summary>Which source supplied <see cref="Token"/>: <c>token</c>, <c>token_env</c>, <c>token_path</c>, or empty.</summary>
    public string TokenSource { get; init; } = "";

    /// <summary>Absolute <c>token_path</c> (write-back target for a claimed token), or empty.</summary>
    public string TokenPath { get; init; } = "";
}

public static class RuntimeKinds
{
    public const string OpenClaw = "openclaw";
    public const string PicoClaw = "picoclaw";
    public const string TinyClaw = "tinyclaw";
    public const string Codex = "codex";
    public const string ClaudeCode = "claude-code";
    public const string Pi = "pi";

    /// <summary>Any executable: the prompt on stdin and the message in the environment.</summary>
    public const string Command = "command";

    /// <summary>An HTTP endpoint: each wake is POSTed as JSON.</summary>
    public const string Webhook = "webhook";
}

public static class WakeModes
{
    public const string All = "all";
    public const string Mentions = "mentions";
    public const string ThreadOnly = "thread_only";
    public const string Never = "never";
}
