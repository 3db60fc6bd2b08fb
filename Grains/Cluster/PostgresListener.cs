using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moltnet.Grains.Storage;
using Npgsql;

namespace Moltnet.Cluster;

/// <summary>
/// The replica's one listening connection (<c>application_name</c> <c>moltnet-listener-&lt;replica id&gt;</c>):
/// <c>LISTEN moltnet_events</c> (payload: the newest committed cursor) pokes the <see cref="LogTail"/>, and
/// <c>LISTEN moltnet_bus</c> feeds the <see cref="PostgresClusterBus"/>. When the connection is lost (server restart,
/// <c>pg_terminate_backend</c>, network) it reconnects with backoff (0.1 s doubling to 5 s); after a reconnect it drops
/// cached grain state (invalidations may have been missed) and the tail catches up from the log by cursor.
/// </summary>
public sealed partial class PostgresListener(PostgresClusterDb db, IMoltnetStore store, LogTail tail, PostgresClusterBus bus, ClusterCacheInvalidator invalidator,
    TimeProvider time, ILogger<PostgresListener> log) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly IStoreWriterIdentity? _writer = store as IStoreWriterIdentity;
    private long _reconnects;
    private volatile bool _listening;

    /// <summary>True while the listening connection is up.</summary>
    public bool Listening => _listening;

    /// <summary>Times the connection was re-established after a loss.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = new NpgsqlConnection(db.ListenerConnectionString);
                await using (connection)
                {
                    connection.Notification += OnNotification;
                    await connection.OpenAsync(stoppingToken);
                    await using (var cmd = new NpgsqlCommand($"LISTEN {PostgresStore.NotifyChannel}; LISTEN {PostgresClusterBus.Channel}", connection))
                        await cmd.ExecuteNonQueryAsync(stoppingToken);
                    _listening = true;
                    if (!first)
                    {
                        Interlocked.Increment(ref _reconnects);
                        Reconnected(log);
                        invalidator.DropAll();
                    }
                    first = false;
                    backoff = TimeSpan.FromMilliseconds(100);
                    tail.Refresh(); // events committed while nobody listened
                    while (true) await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _listening = false;
                ConnectionLost(log, backoff.TotalMilliseconds, e);
                try
                {
                    await Task.Delay(backoff, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == PostgresStore.NotifyChannel)
        {
            if (long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor)) tail.Notified(cursor, _writer?.IsOwnWriterProcess(e.PID) == true);
            else tail.Refresh();
        }
        else if (e.Channel == PostgresClusterBus.Channel)
        {
            bus.Deliver(e.Payload);
        }
    }

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "cluster listener connection lost; reconnecting in {DelayMs} ms")]
    private static partial void ConnectionLost(ILogger logger, double delayMs, Exception error);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "cluster listener reconnected; catching up from the event log")]
    private static partial void Reconnected(ILogger logger);
}
