namespace Moltnet.Cli.Client;

/// <summary>Private file writes: temp file (0600) + rename, parent directory 0700, no symlink or directory targets.</summary>
public static class PrivateFiles
{
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Dir0700 = File0600 | UnixFileMode.UserExecute;

    public static void Write(string path, string text, bool isPrivate = true)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new CliException($"refusing to write {path}: it is a directory");
        if (new FileInfo(full).LinkTarget is not null) throw new CliException($"refusing to write {path}: it is a symlink");
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, isPrivate ? Dir0700 : Dir0700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        var temp = $"{full}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = isPrivate ? File0600 : File0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
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
}
