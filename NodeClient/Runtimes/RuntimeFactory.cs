using static Moltnet.NodeClient.Configuration.RuntimeKinds;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>Picks the adapter for an attachment's runtime kind and seam (spec node-and-cli §3); picoclaw's modes in the
/// spec's precedence command → events → control, tinyclaw's control loop before its queue mode.</summary>
public static class RuntimeFactory
{
    /// <exception cref="RuntimeSetupException">This node cannot drive the configured seam.</exception>
    public static IRuntimeAdapter Create(RuntimeContext context, int maxAttempts = 3)
    {
        var rt = context.Attachment.Runtime;
        return rt.Kind switch
        {
            Codex or ClaudeCode => new CliRuntime(context, maxAttempts),
            Command => new CommandRuntime(context),
            Webhook => new WebhookRuntime(context),
            Pi => new ControlLoopRuntime(context),
            OpenClaw => new OpenClawRuntime(context),
            PicoClaw when rt.Command.Length > 0 => new PicoClawCommandRuntime(context),
            PicoClaw when rt.EventsUrl.Length > 0 => new PicoClawEventsRuntime(context),
            PicoClaw or TinyClaw when rt.ControlUrl.Length > 0 => new ControlLoopRuntime(context),
            TinyClaw => new TinyClawQueueRuntime(context),
            _ => throw new RuntimeSetupException($"runtime kind {rt.Kind} has no seam this node can drive"),
        };
    }
}
