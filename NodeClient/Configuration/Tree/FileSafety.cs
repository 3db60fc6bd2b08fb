using System.Globalization;

namespace Moltnet.Configuration.Tree;

/// <summary>Checks for files that hold secrets: no symlinks, nothing readable by group or others.</summary>
internal static class FileSafety
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static bool IsSymlink(string path) => new FileInfo(path).LinkTarget is not null;

    /// <summary>The file's permission bits in octal (e.g. <c>0644</c>); empty on Windows.</summary>
    public static string Mode(string path) => OperatingSystem.IsWindows()
        ? ""
        : "0" + Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(3, '0');

    /// <summary>True when group or others have any permission on the file (never on Windows).</summary>
    public static bool IsGroupOrWorldAccessible(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0;

    /// <summary>Null when <paramref name="path"/> is a private regular file; otherwise the problem.</summary>
    public static string? PrivateFileProblem(string path)
    {
        if (IsSymlink(path)) return "must not be a symlink";
        if (Directory.Exists(path)) return "is a directory";
        if (IsGroupOrWorldAccessible(path))
            return string.Create(CultureInfo.InvariantCulture, $"must not be accessible by group or others (mode {Mode(path)}; run chmod 600)");
        return null;
    }
}
