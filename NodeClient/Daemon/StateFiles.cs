namespace Moltnet.NodeClient.Daemon;

/// <summary>Private file writes for the node's state and secrets: temp file (0600) + rename, parent directories 0700,
/// never through a symlink or onto a directory.</summary>
public static class StateFiles
{
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Dir0700 = File0600 | UnixFileMode.UserExecute;

    /// <summary>The node's state directory for a config file: <c>&lt;config dir&gt;/.moltnet/node</c>.</summary>
    public static string StateDirectory(string configPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath))!, ".moltnet", "node");

    /// <exception cref="IOException">The target is a symlink or a directory, or the write failed.</exception>
    public static void WritePrivate(string path, string text)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"refusing to write {path}: it is a directory");
        if (new FileInfo(full).LinkTarget is not null) throw new IOException($"refusing to write {path}: it is a symlink");
        EnsurePrivateDirectory(Path.GetDirectoryName(full)!);
        var temp = $"{full}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = File0600;
        try
        {
            using (var writer = new StreamWriter(temp, options)) writer.Write(text);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Creates <paramref name="dir"/> (and missing parents) with mode 0700.</summary>
    public static void EnsurePrivateDirectory(string dir)
    {
        if (Directory.Exists(dir)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, Dir0700);
    }

    /// <summary>The file's text, or null when it does not exist.</summary>
    public static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
