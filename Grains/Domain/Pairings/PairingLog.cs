using Microsoft.Extensions.Logging;

namespace Moltnet.Grains.Domain.Pairings;

/// <summary>Log lines of pairings and relay. Messages hold pairing ids, message ids and redacted causes only: never a
/// token, never a remote body.</summary>
internal static partial class PairingLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "pairing {PairingId} status {From} -> {To} ({Reason})")]
    public static partial void StatusChanged(ILogger logger, string pairingId, string from, string to, string? reason);

    [LoggerMessage(EventId = 601, Level = LogLevel.Debug, Message = "relayed message {MessageId} to pairing {PairingId}")]
    public static partial void Relayed(ILogger logger, string pairingId, string messageId);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning,
        Message = "relay of message {MessageId} to pairing {PairingId} failed (attempt {Attempt}, next in {Delay}): {Cause}")]
    public static partial void RelayFailed(ILogger logger, string pairingId, string messageId, int attempt, TimeSpan delay, string cause);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "pairing {PairingId} refused message {MessageId} for good, dropped from the outbox: {Cause}")]
    public static partial void RelayRefused(ILogger logger, string pairingId, string messageId, string cause);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "pairing {PairingId} loop failed")]
    public static partial void LoopFailed(ILogger logger, string pairingId, Exception error);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "DM {MessageId} not relayed to pairing {PairingId}: the remote has direct messages disabled")]
    public static partial void DmSkipped(ILogger logger, string pairingId, string messageId);
}
