using System.CommandLine;
using Moltnet.NodeClient.RemoteNodes;

namespace Moltnet.Cli.Commands.RemoteNodes;

/// <summary>The remote-node subcommands of <c>moltnet node</c> (docs/remote-nodes.md): on the node machine <c>add</c>,
/// <c>run</c>, <c>remove</c>, <c>logs</c>; for operators and agents <c>generate-token</c>, <c>list</c>, <c>describe</c>,
/// <c>select</c>, <c>exec</c>, <c>revoke</c>. <see cref="StatusLines"/> is the remote-node section of <c>node status</c>.</summary>
public static class RemoteNodeCommands
{
    public static void AddTo(Command node)
    {
        node.Subcommands.Add(NodeMachineCommands.Add());
        node.Subcommands.Add(NodeMachineCommands.Run());
        node.Subcommands.Add(NodeMachineCommands.Remove());
        node.Subcommands.Add(NodeMachineCommands.Logs());
        node.Subcommands.Add(NodeOperatorCommands.GenerateToken());
        node.Subcommands.Add(NodeOperatorCommands.List());
        node.Subcommands.Add(NodeOperatorCommands.Describe());
        node.Subcommands.Add(NodeOperatorCommands.Select());
        node.Subcommands.Add(NodeOperatorCommands.Revoke());
        node.Subcommands.Add(NodeExecCommand.Create());
    }

    /// <summary>"Not registered as a node.", or the gateway URL, the node's name and id, and the service state.</summary>
    public static IEnumerable<string> StatusLines()
    {
        RemoteNodeSettings? settings;
        try
        {
            settings = RemoteNodeSettings.Load(RemoteNodeSettings.ConfigPath);
        }
        catch (RemoteNodeException e)
        {
            return [$"Remote node: {e.Message}"];
        }
        if (settings is null) return ["Not registered as a node."];
        return
        [
            $"Remote node: {settings.DisplayName ?? "(unnamed)"}{(settings.NodeId is null ? "" : $" ({settings.NodeId})")}",
            $"Gateway: {settings.GatewayUrl}",
            $"Service: {NodeService.Detect().State()}",
            $"Log: {RemoteNodeSettings.LogPath}",
        ];
    }
}
