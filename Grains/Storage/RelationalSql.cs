using System.Data.Common;

namespace Moltnet.Grains.Storage;

/// <summary>One read connection of a SQL store, as <see cref="RelationalStore"/>'s shared operations use it. Parameters
/// are <c>@p0</c>, <c>@p1</c>, … in argument order; <c>null</c> arguments become SQL NULL.</summary>
internal interface ISqlReader
{
    /// <summary>Reads every row of a query with <paramref name="map"/>.</summary>
    Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, params object?[] args);

    /// <summary>The first column of the first row (null for no row).</summary>
    Task<object?> ScalarAsync(string sql, params object?[] args);
}

/// <summary>The write session of a SQL store's writer loop, as <see cref="RelationalStore"/>'s shared operations use
/// it: one request, inside its own savepoint.</summary>
internal interface ISqlWriter
{
    /// <summary>Runs a statement now and returns its row count.</summary>
    int Execute(string sql, params object?[] args);

    /// <summary>The first column of the statement's first row (null for none).</summary>
    object? Scalar(string sql, params object?[] args);

    /// <summary>A statement whose row count nobody checks: PostgreSQL pipelines it with the next statement of the
    /// request, SQLite runs it now. Either way a failure is charged to the request that issued it.</summary>
    void Defer(string sql, params object?[] args);

    /// <summary>Appends events to the log. SQLite returns them with their cursors; PostgreSQL allocates cursors at commit
    /// and fills them in then (a request's result is read only after its commit).</summary>
    StoredEvent[] AppendEvents(IReadOnlyList<PreparedEvent> events);

    /// <summary>The cursor of <paramref name="stored"/>[<paramref name="index"/>] (from <see cref="AppendEvents"/> of
    /// this request) as a statement argument: the number itself (SQLite), or a placeholder that holds the statement back
    /// until the commit, where the cursor is known (PostgreSQL; the statement must go through <see cref="Defer"/>).</summary>
    object CursorOf(StoredEvent[] stored, int index);
}

/// <summary>Versioned writes, the same on every SQL store: built on <see cref="ISqlWriter.Execute"/> and
/// <see cref="ISqlWriter.Scalar"/>.</summary>
internal static class SqlWriterVersions
{
    /// <summary>Inserts a conditional row (<paramref name="expectedVersion"/> 0: the row must not exist) or updates it at
    /// that version; stale otherwise. <paramref name="row"/> ends with the new version; the update takes the expected
    /// version as one more parameter.</summary>
    public static void WriteVersioned(this ISqlWriter s, string what, string id, long expectedVersion, string insertSql, string updateSql, object?[] row)
    {
        var changed = expectedVersion == 0 ? s.Execute(insertSql, row) : s.Execute(updateSql, [.. row, expectedVersion]);
        if (changed != 1) throw StoreRules.Stale(what, id, expectedVersion);
    }

    /// <summary>Deletes a row at <paramref name="expectedVersion"/>; 0 means the row must not exist.</summary>
    public static void DeleteVersioned(this ISqlWriter s, string what, string id, long expectedVersion, string existsSql, string deleteSql, object?[] key)
    {
        var ok = expectedVersion == 0 ? s.Scalar(existsSql, key) is null : s.Execute(deleteSql, [.. key, expectedVersion]) == 1;
        if (!ok) throw StoreRules.Stale(what, id, expectedVersion);
    }
}
