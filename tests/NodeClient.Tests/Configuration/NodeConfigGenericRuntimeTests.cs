using Moltnet.NodeClient.Configuration;
using static Moltnet.NodeClient.Tests.Configuration.NodeKit;

namespace Moltnet.NodeClient.Tests.Configuration;

/// <summary>The generic runtimes <c>command</c> and <c>webhook</c>: their keys, requirements and applicability.</summary>
public sealed class NodeConfigGenericRuntimeTests
{
    private static string One(string runtime) => WithAttachments($"""
          - agent: {"{"} id: alpha {"}"}
            runtime: {runtime}

        """);

    [Fact]
    public void Command_runtime_takes_command_args_workspace_and_auto_publish()
    {
        var rt = Load(One("{ kind: command, command: ./agent.sh, args: [--fast, x], workspace_path: /ws, auto_publish: true }")).Attachments[0].Runtime;
        Assert.Equal(("command", "./agent.sh", "/ws", true), (rt.Kind, rt.Command, rt.WorkspacePath, rt.AutoPublish));
        Assert.Equal(["--fast", "x"], rt.Args);
    }

    [Fact]
    public void Webhook_runtime_takes_an_http_url()
    {
        var rt = Load(One("{ kind: webhook, url: https://hooks.example/agent }")).Attachments[0].Runtime;
        Assert.Equal(("webhook", "https://hooks.example/agent", (bool?)null), (rt.Kind, rt.Url, rt.AutoPublish));
        HasError(Fail(One("{ kind: webhook, url: ftp://x/y }")), "attachments[0]: runtime.url");
    }

    [Fact]
    public void Required_seams_and_wrong_kinds_are_rejected()
    {
        HasError(Fail(One("{ kind: command }")), "runtime.command: required for runtime kind command");
        HasError(Fail(One("{ kind: webhook }")), "runtime.url: required for runtime kind webhook");
        HasError(Fail(One("{ kind: pi, control_url: http://127.0.0.1:1, url: http://x }")), "runtime.url: only valid for runtime kind webhook");
        HasError(Fail(One("{ kind: codex, workspace_path: /ws, args: [x] }")), "runtime.args: only valid for runtime kind command");
        HasError(Fail(One("{ kind: codex, workspace_path: /ws, auto_publish: true }")), "runtime.auto_publish: only valid for runtime kinds command, webhook");
    }
}
