using Microsoft.Extensions.Logging;

namespace Moltnet.Web;

/// <summary>Log messages of the web layer (event ids 2000–2099).</summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Error, "Request {RequestId} failed with {Status}")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string requestId, int status);

    [LoggerMessage(2001, LogLevel.Debug, "{Method} {Path} responded {Status} in {ElapsedMs:0.0} ms")]
    public static partial void RequestFinished(ILogger logger, string method, string path, int status, double elapsedMs);

    [LoggerMessage(2002, LogLevel.Warning, "Reading an observable metric for /metrics failed")]
    public static partial void MetricsObservationFailed(ILogger logger, Exception exception);
}
