using Microsoft.Extensions.Logging;

namespace Moltnet.Web.Nodes;

/// <summary>Log messages of the node gateway (event ids 2100–2119).</summary>
internal static partial class NodeLog
{
    [LoggerMessage(2100, LogLevel.Information, "Node {NodeId} connected ({ConnId})")]
    public static partial void Connected(ILogger logger, string nodeId, string connId);

    [LoggerMessage(2101, LogLevel.Information, "Node {NodeId} disconnected ({ConnId}): {Reason}")]
    public static partial void Disconnected(ILogger logger, string nodeId, string connId, string reason);

    [LoggerMessage(2102, LogLevel.Warning, "Could not record that node {NodeId} disconnected")]
    public static partial void DisconnectNotRecorded(ILogger logger, Exception exception, string nodeId);

    [LoggerMessage(2103, LogLevel.Information, "Exec {ExecId} on node {NodeId} by {Actor}: exit {ExitCode}")]
    public static partial void ExecFinished(ILogger logger, string execId, string nodeId, string actor, int exitCode);

    [LoggerMessage(2104, LogLevel.Warning, "Remote exec message on {Topic} failed")]
    public static partial void BusMessageFailed(ILogger logger, Exception exception, string topic);
}
