using Moltnet.Wire;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>
/// <c>kind: command</c>: runs any executable per wake with <c>args</c>, cwd = <c>workspace_path</c>; the compact prompt
/// on stdin and the message in <c>MOLTNET_*</c> environment variables (plus <c>MOLTNET_CLIENT_CONFIG</c> when a
/// workspace is set, so the program can <c>moltnet send</c>). Exit 0 accepts the wake. With <c>auto_publish: true</c>
/// its stdout (trimmed, if any) is posted as the agent's reply to the same conversation — then it must not also send.
/// </summary>
public sealed class CommandRuntime(RuntimeContext context) : IRuntimeAdapter
{
    public async Task<Task> DeliverAsync(Wake wake, CancellationToken ct)
    {
        var rt = context.Attachment.Runtime;
        var env = Environment(context, wake);
        var workspace = rt.WorkspacePath.Length > 0 ? rt.WorkspacePath : null;
        if (workspace is not null)
            env["MOLTNET_CLIENT_CONFIG"] = ClientConfigWriter.Upsert(workspace, context.Attachment, context.BaseUrl, context.NetworkId, context.Token());
        if (rt.HomePath.Length > 0) env["HOME"] = rt.HomePath;
        var result = await ProcessRunner.RunAsync(rt.Command, rt.Args, workspace, env, wake.Prompt, ProcessRunner.DefaultTimeout, ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(rt.Command)} exited with {result.ExitCode}: {result.ErrorText}");
        if (rt.AutoPublish is true) await context.Publisher.PublishAsync(ReplyTarget(wake.Message.Target), result.Stdout, ct);
        return Task.CompletedTask;
    }

    /// <summary>The environment every wake gets: ids, conversation keys, sender and body.</summary>
    public static Dictionary<string, string> Environment(RuntimeContext context, Wake wake)
    {
        var m = wake.Message;
        var t = m.Target;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MOLTNET_NETWORK_ID"] = context.NetworkId,
            ["MOLTNET_AGENT_ID"] = context.Attachment.Agent.Id,
            ["MOLTNET_AGENT_NAME"] = context.Attachment.Agent.Name,
            ["MOLTNET_MESSAGE_ID"] = m.Id,
            ["MOLTNET_CONTEXT_ID"] = wake.ContextId,
            ["MOLTNET_CHAT_ID"] = wake.ChatId,
            ["MOLTNET_TARGET"] = t.Kind == TargetKind.Dm ? $"dm:{t.DmId}" : $"room:{t.RoomId}",
            ["MOLTNET_TARGET_KIND"] = t.Kind,
            ["MOLTNET_ROOM_ID"] = t.RoomId ?? "",
            ["MOLTNET_THREAD_ID"] = t.ThreadId ?? "",
            ["MOLTNET_DM_ID"] = t.DmId ?? "",
            ["MOLTNET_FROM_ID"] = m.From.Id,
            ["MOLTNET_FROM_NAME"] = Daemon.Prompts.SenderName(m.From),
            ["MOLTNET_FROM_TYPE"] = m.From.Type,
            ["MOLTNET_MESSAGE_TEXT"] = Daemon.Prompts.Body(m),
        };
    }

    /// <summary>A reply goes where the message came from (a thread reply stays in the thread).</summary>
    public static Target ReplyTarget(Target t) => t.Kind switch
    {
        TargetKind.Dm => new Target { Kind = TargetKind.Dm, DmId = t.DmId, ParticipantIds = t.ParticipantIds },
        TargetKind.Thread => new Target { Kind = TargetKind.Thread, RoomId = t.RoomId, ThreadId = t.ThreadId },
        _ => new Target { Kind = TargetKind.Room, RoomId = t.RoomId },
    };

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
