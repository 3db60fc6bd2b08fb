using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Moltnet.Grains.Storage;

/// <summary>
/// The <c>sqlite</c> backend (design §3): one file in WAL mode, durable commits (<c>synchronous=FULL</c>), one writer
/// connection fed by a queue that group-commits every pending request in one transaction (a savepoint each), and
/// pooled read-only connections for reads. I/O failures surface as <see cref="StoreUnavailableException"/>; the
/// writer reopens its connection on the next request, so the store recovers once the cause is gone.
/// </summary>
public sealed partial class SqliteStore : RelationalStore, IMoltnetStore
{
    private readonly string _readConnectionString;
    private readonly ILogger _logger;

    /// <summary>Opens (lazily) the database at <paramref name="path"/>, creating its directory with mode 0700.</summary>
    public SqliteStore(string path, ILogger<SqliteStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        DatabasePath = Path.GetFullPath(path);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _readConnectionString = SqliteSetup.ReaderConnectionString(DatabasePath);
        _queue = Channel.CreateUnbounded<WriteRequest>(new UnboundedChannelOptions
        {
            SingleReader = true,
            AllowSynchronousContinuations = false,
        });
        _writer = Task.Run(RunWriterAsync);
    }

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath { get; }

    public Task MigrateAsync(CancellationToken ct) => Task.Run(() =>
    {
        try
        {
            using var connection = new SqliteConnection(SqliteSetup.WriterConnectionString(DatabasePath));
            connection.Open();
            SqliteSetup.ConfigureWriter(connection);
            SqliteMigrations.Apply(connection, DatabasePath, _logger);
        }
        catch (Exception ex) when (SqliteErrors.IsUnavailable(ex))
        {
            throw SqliteErrors.Map(ex);
        }
    }, ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        using var pooled = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }

    /// <summary>Runs a read on a pooled read-only connection, mapping I/O failures to <see cref="StoreUnavailableException"/>.</summary>
    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        try
        {
            var connection = new SqliteConnection(_readConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(ct).ConfigureAwait(false);
                return read(connection);
            }
        }
        catch (Exception ex) when (SqliteErrors.IsUnavailable(ex))
        {
            throw SqliteErrors.Map(ex);
        }
    }

    private static void CreateDirectory(string directory)
    {
        if (Directory.Exists(directory)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
