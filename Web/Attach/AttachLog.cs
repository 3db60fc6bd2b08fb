using Microsoft.Extensions.Logging;

namespace Moltnet.Web.Attach;

/// <summary>Log messages of the attachment gateway.</summary>
internal static partial class AttachLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "attachment ready: agent {AgentId}")]
    public static partial void Ready(ILogger log, string agentId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "attachment closed: agent {AgentId}, reason {Reason} {Error}")]
    public static partial void Closed(ILogger log, string agentId, string reason, string? error);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "attachment handshake refused: {Error}")]
    public static partial void Refused(ILogger log, string error);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "could not append {Type} event")]
    public static partial void AppendFailed(ILogger log, string type, Exception error);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "attachment event stream failed: agent {AgentId}")]
    public static partial void StreamFailed(ILogger log, string agentId, Exception error);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "could not claim the wake of message {MessageId} for agent {AgentId}; tracking it here")]
    public static partial void ClaimFailed(ILogger log, string agentId, string messageId, Exception error);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "could not check the active attachments of agent {AgentId}")]
    public static partial void AdmissionFailed(ILogger log, string agentId, Exception error);
}
