using Microsoft.Extensions.Logging;

namespace Moltnet.Silo.Hosting;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "moltnet listening on {Addresses} (network {NetworkId}, storage {StorageKind})")]
    public static partial void Listening(ILogger logger, string addresses, string networkId, string storageKind);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Code}: {Message}")]
    public static partial void Warning(ILogger logger, string code, string message);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "exporting traces and metrics over OTLP to {Endpoint} as service {ServiceName}")]
    public static partial void OtlpExport(ILogger logger, string endpoint, string serviceName);
}
