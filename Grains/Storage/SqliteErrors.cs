using Microsoft.Data.Sqlite;

namespace Moltnet.Grains.Storage;

/// <summary>Sorts SQLite failures into "the store is unavailable" (503, retry later) and everything else.</summary>
internal static class SqliteErrors
{
    // Primary result codes (https://sqlite.org/rescode.html) that mean the database cannot be used right now.
    private const int Perm = 3, Busy = 5, Locked = 6, NoMem = 7, ReadOnly = 8, IoErr = 10, Corrupt = 11, Full = 13,
        CantOpen = 14, Protocol = 15, NoLfs = 22, NotADb = 26;

    private const int Constraint = 19;

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StoreUnavailableException => true,
        SqliteException s => (s.SqliteErrorCode & 0xFF) is Perm or Busy or Locked or NoMem or ReadOnly or IoErr or Corrupt
            or Full or CantOpen or Protocol or NoLfs or NotADb,
        IOException or UnauthorizedAccessException => true,
        _ => false,
    };

    /// <summary>The exception a caller sees for a failure of its request.</summary>
    public static Exception Map(Exception exception) => exception switch
    {
        StoreUnavailableException => exception,
        _ when IsUnavailable(exception) => new StoreUnavailableException($"storage unavailable: {exception.Message}", exception),
        SqliteException s when (s.SqliteErrorCode & 0xFF) == Constraint =>
            new InvalidOperationException($"storage constraint failed: {s.Message}", s),
        _ => exception,
    };
}
