namespace Moltnet.Silo.Hosting;

/// <summary>Keeps file descriptors for the server itself: connections beyond the open-file limit minus a reserve are
/// closed at accept, so a flood of clients can never take the descriptors the runtime needs to load code, open the
/// database or write its log (the process would otherwise die, not refuse).</summary>
internal static class ConnectionHeadroom
{
    /// <summary>Descriptors kept back, beyond those open at start-up, for code loaded later (each assembly holds one or
    /// two), the store, pairing/relay clients and the log.</summary>
    public const int Reserve = 128;

    /// <summary>The connection cap for a soft open-file limit and the descriptors already open, or null when the limit is
    /// unknown or effectively unlimited.</summary>
    public static long? MaxConnections(long? openFileLimit, int openNow) =>
        openFileLimit is { } n && n < 1_000_000 ? Math.Max(16, n - openNow - Reserve) : null;

    /// <summary>Descriptors this process has open now (Linux), or 0.</summary>
    public static int OpenDescriptors()
    {
        try
        {
            return Directory.GetFiles("/proc/self/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The soft "Max open files" of this process from <c>/proc/self/limits</c> (Linux), or null.</summary>
    public static long? SoftOpenFileLimit(string path = "/proc/self/limits")
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && long.TryParse(fields[0], out var soft) ? soft : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or /proc is hidden: no cap.
        }
        return null;
    }
}
