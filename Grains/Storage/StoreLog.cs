using Microsoft.Extensions.Logging;

namespace Moltnet.Grains.Storage;

/// <summary>Log entries of the storage layer (event ids 3100–3199).</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Error, Message = "Event sink failed after a commit; the events are stored")]
    public static partial void SinkFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Store write batch of {Count} request(s) failed; the writer connection will be reopened")]
    public static partial void BatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Applied migration {Version} {Name} to {Path}")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, string path);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Could not open the store writer connection to {Path}")]
    public static partial void WriterOpenFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "Store writer loop stopped unexpectedly")]
    public static partial void WriterCrashed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "The commit step of a write batch of {Count} requests was refused; running them one by one")]
    public static partial void BatchIsolated(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Store connection lost before commit; retrying the write batch on a new connection")]
    public static partial void ConnectionLostRetrying(ILogger logger, Exception exception);
}
