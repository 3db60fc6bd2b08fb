using Microsoft.Extensions.Logging;

namespace Moltnet.Grains;

/// <summary>Log messages of the grain runtime (event ids 1000–1099).</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Debug, "Activated grain {GrainType}/{Key}")]
    public static partial void Activated(ILogger logger, string grainType, string key);

    [LoggerMessage(1001, LogLevel.Warning, "Activation of grain {GrainType}/{Key} failed; the next call retries")]
    public static partial void ActivationFailed(ILogger logger, Exception exception, string grainType, string key);

    [LoggerMessage(1002, LogLevel.Debug, "Deactivated grain {GrainType}/{Key}")]
    public static partial void Deactivated(ILogger logger, string grainType, string key);

    [LoggerMessage(1003, LogLevel.Warning, "OnDeactivateAsync of grain {GrainType}/{Key} failed")]
    public static partial void DeactivationFailed(ILogger logger, Exception exception, string grainType, string key);

    [LoggerMessage(1004, LogLevel.Warning, "Disposing grain {GrainType}/{Key} failed")]
    public static partial void DisposeFailed(ILogger logger, Exception exception, string grainType, string key);

    [LoggerMessage(1005, LogLevel.Critical, "A turn of grain {GrainType}/{Key} escaped its work item")]
    public static partial void TurnFailed(ILogger logger, Exception exception, string grainType, string key);

    [LoggerMessage(1006, LogLevel.Error, "The idle grain collection sweep failed")]
    public static partial void CollectionFailed(ILogger logger, Exception exception);
}
