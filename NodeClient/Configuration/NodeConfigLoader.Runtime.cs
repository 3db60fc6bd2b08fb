using Moltnet.Configuration.Tree;
using static Moltnet.NodeClient.Configuration.RuntimeKinds;

namespace Moltnet.NodeClient.Configuration;

public static partial class NodeConfigLoader
{
    private static readonly string[] RuntimeKeys =
    [
        "kind", "token", "gateway_url", "events_url", "control_url", "inbound_url", "outbound_url", "ack_url", "channel",
        "command", "config_path", "workspace_path", "home_path", "session_store_path", "session_prefix", "driver",
        "args", "url", "auto_publish",
    ];

    private static readonly string[] KindNames = [OpenClaw, PicoClaw, TinyClaw, Codex, ClaudeCode, Pi, Command, Webhook];
    private static readonly string[] Ws = ["ws", "wss"];
    private static readonly string[] Http = ["http", "https"];

    /// <summary>Which runtime kinds may set each seam field, and the URL schemes it takes (none: not a URL).</summary>
    private static readonly (string Key, string[] Kinds, string[] Schemes)[] Seams =
    [
        ("gateway_url", [OpenClaw], Ws),
        ("events_url", [PicoClaw], Ws),
        ("control_url", [PicoClaw, TinyClaw, Pi], Http),
        ("inbound_url", [TinyClaw], Http),
        ("outbound_url", [TinyClaw], Http),
        ("ack_url", [TinyClaw], Http),
        ("command", [PicoClaw, Codex, ClaudeCode, Command], []),
        ("url", [Webhook], Http),
        ("config_path", [PicoClaw], []),
    ];

    private static NodeRuntime MapRuntime(ConfigMap m, int i, NodeLoadContext ctx)
    {
        string Get(string key) => m.String(key) ?? "";
        var rt = new NodeRuntime
        {
            Kind = Get("kind"),
            Token = Get("token"),
            GatewayUrl = Get("gateway_url"),
            EventsUrl = Get("events_url"),
            ControlUrl = Get("control_url"),
            InboundUrl = Get("inbound_url"),
            OutboundUrl = Get("outbound_url"),
            AckUrl = Get("ack_url"),
            Channel = Get("channel"),
            Command = Get("command"),
            ConfigPath = Get("config_path"),
            WorkspacePath = Get("workspace_path"),
            HomePath = Get("home_path"),
            SessionStorePath = Get("session_store_path"),
            SessionPrefix = Get("session_prefix"),
            Driver = Get("driver"),
            Args = m.Strings("args") ?? [],
            Url = Get("url"),
            AutoPublish = m.Bool("auto_publish"),
        };
        if (rt.Token.Length > 0) ctx.InlineTokens.Add(m.PathOf("token"));
        if (rt.Kind.Length == 0)
        {
            ctx.Error(i, "runtime.kind", $"required ({string.Join(", ", KindNames)})");
            return rt;
        }
        if (!KindNames.Contains(rt.Kind))
        {
            ctx.Error(i, "runtime.kind", $"unsupported runtime kind \"{rt.Kind}\" (supported: {string.Join(", ", KindNames)})");
            return rt;
        }

        foreach (var (key, kinds, schemes) in Seams)
        {
            var value = Get(key);
            if (value.Length == 0) continue;
            if (!kinds.Contains(rt.Kind))
                ctx.Error(i, $"runtime.{key}", key == "control_url" && rt.Kind == OpenClaw
                    ? "not valid for runtime kind openclaw; use gateway_url"
                    : $"only valid for runtime kind {string.Join(", ", kinds)} (this is {rt.Kind})");
            else if (schemes.Length > 0 && !ConfigUrl.IsValid(value, schemes))
                ctx.Error(i, $"runtime.{key}", $"must be a {string.Join(" or ", schemes)} URL with a host (got \"{value}\")");
        }
        if (rt.Args.Count > 0 && rt.Kind != Command) ctx.Error(i, "runtime.args", $"only valid for runtime kind {Command} (this is {rt.Kind})");
        if (rt.AutoPublish is not null && rt.Kind is not (Command or Webhook))
            ctx.Error(i, "runtime.auto_publish", $"only valid for runtime kinds {Command}, {Webhook} (this is {rt.Kind}); the others have a fixed reply path");
        if (rt.Kind == PicoClaw && rt.Command.Length > 0 && rt.ConfigPath.Length == 0)
            ctx.Error(i, "runtime.config_path", "required when runtime.command is set for picoclaw");

        rt = WithDefaults(rt);
        RequireSeams(rt, i, ctx);
        return rt;
    }

    /// <summary>The defaults of spec §1.1, applied on load.</summary>
    private static NodeRuntime WithDefaults(NodeRuntime rt)
    {
        switch (rt.Kind)
        {
            case OpenClaw when rt.GatewayUrl.Length == 0:
                return rt with { GatewayUrl = "ws://127.0.0.1:18789" };
            case PicoClaw when rt.Command.Length == 0 && rt.ConfigPath.Length > 0:
                return rt with { Command = "picoclaw" };
            case PicoClaw when rt.Command.Length == 0 && rt.ControlUrl.Length == 0 && rt.EventsUrl.Length == 0:
                return rt with { EventsUrl = "ws://127.0.0.1:18990/pico/ws" };
            case TinyClaw when rt.ControlUrl.Length == 0:
                var channel = rt.Channel.Length > 0 ? rt.Channel : "moltnet";
                var given = new[] { rt.InboundUrl, rt.OutboundUrl, rt.AckUrl }.FirstOrDefault(u => u.Length > 0);
                var origin = given is not null && Uri.TryCreate(given, UriKind.Absolute, out var u)
                    ? u.GetLeftPart(UriPartial.Authority)
                    : "http://127.0.0.1:3777";
                return rt with
                {
                    Channel = channel,
                    InboundUrl = Or(rt.InboundUrl, $"{origin}/api/message"),
                    OutboundUrl = Or(rt.OutboundUrl, $"{origin}/api/responses/pending?channel={Uri.EscapeDataString(channel)}"),
                    AckUrl = Or(rt.AckUrl, $"{origin}/api/responses"),
                };
            case Codex or ClaudeCode:
                return rt with
                {
                    Command = Or(rt.Command, rt.Kind == Codex ? "codex" : "claude"),
                    SessionStorePath = rt.SessionStorePath.Length > 0 || rt.WorkspacePath.Length == 0
                        ? rt.SessionStorePath
                        : Path.Combine(rt.WorkspacePath, ".moltnet", "sessions.json"),
                };
            default:
                return rt;
        }
    }

    /// <summary>The seams each kind needs once defaults are applied.</summary>
    private static void RequireSeams(NodeRuntime rt, int i, NodeLoadContext ctx)
    {
        switch (rt.Kind)
        {
            case Codex or ClaudeCode when rt.WorkspacePath.Length == 0:
                ctx.Error(i, "runtime.workspace_path", $"required for runtime kind {rt.Kind}");
                break;
            case TinyClaw when rt.ControlUrl.Length == 0 && (rt.InboundUrl.Length == 0 || rt.OutboundUrl.Length == 0 || rt.AckUrl.Length == 0):
                ctx.Error(i, "runtime", "tinyclaw needs control_url or all of inbound_url, outbound_url and ack_url");
                break;
            case OpenClaw when rt.GatewayUrl.Length == 0:
                ctx.Error(i, "runtime.gateway_url", "required for runtime kind openclaw");
                break;
            case PicoClaw when rt.ControlUrl.Length == 0 && rt.EventsUrl.Length == 0 && rt.Command.Length == 0:
                ctx.Error(i, "runtime", "picoclaw needs one of control_url, events_url or command");
                break;
            case Pi when rt.ControlUrl.Length == 0:
                ctx.Error(i, "runtime.control_url", "required for runtime kind pi");
                break;
            case Command when rt.Command.Length == 0:
                ctx.Error(i, "runtime.command", "required for runtime kind command");
                break;
            case Webhook when rt.Url.Length == 0:
                ctx.Error(i, "runtime.url", "required for runtime kind webhook");
                break;
        }
    }

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;
}
