namespace Moltnet.TestSupport;

/// <summary>A fresh private directory under the system temp dir, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Owner read/write only: the mode secret-holding files must have.</summary>
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>0644: readable by group and others.</summary>
    public const UnixFileMode WorldReadable = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public TempDirectory() => Path = Directory.CreateTempSubdirectory("moltnet-test-").FullName;

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="content"/> to <paramref name="relativePath"/> (creating folders) with the given mode.</summary>
    public string Write(string relativePath, string content, UnixFileMode mode = Private)
    {
        var full = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(full, mode);
        return full;
    }

    /// <summary>The permission bits of <paramref name="path"/> (Unix only).</summary>
    public static UnixFileMode ModeOf(string path)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Unix file modes");
        return File.GetUnixFileMode(path);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp dir is harmless.
        }
    }
}
