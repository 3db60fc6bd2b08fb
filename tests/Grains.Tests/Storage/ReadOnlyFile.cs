using System.Diagnostics;

namespace Moltnet.Grains.Tests.Storage;

/// <summary>
/// Makes a file read-only for this process: mode 0444, and for root (who ignores modes) the immutable attribute.
/// <see cref="IsReal"/> is false when neither works here (root without CAP_LINUX_IMMUTABLE); tests then fall back to the
/// store's hook that opens the writer read-only, which is what SQLite does for a file it may not write.
/// </summary>
internal sealed class ReadOnlyFile : IDisposable
{
    private readonly string _path;
    private readonly UnixFileMode _mode;
    private readonly bool _immutable;

    private ReadOnlyFile(string path, UnixFileMode mode, bool immutable, bool isReal)
    {
        _path = path;
        _mode = mode;
        _immutable = immutable;
        IsReal = isReal;
    }

    public bool IsReal { get; }

    public static ReadOnlyFile Apply(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, File.GetAttributes(path) | FileAttributes.ReadOnly);
            return new ReadOnlyFile(path, default, false, true);
        }
        var mode = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        if (!CanWrite(path)) return new ReadOnlyFile(path, mode, false, true);
        var immutable = Run("chattr", "+i", path);
        return new ReadOnlyFile(path, mode, immutable, immutable && !CanWrite(path));
    }

    public void Dispose()
    {
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(_path, File.GetAttributes(_path) & ~FileAttributes.ReadOnly);
            return;
        }
        if (_immutable) Run("chattr", "-i", _path);
        File.SetUnixFileMode(_path, _mode);
    }

    private static bool CanWrite(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    private static bool Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }
}
