using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moltnet.NodeClient.RemoteNodes;

/// <summary><c>~/.moltnet/node.json</c> (remote-nodes.md §9): written 0600 in a 0700 directory; <c>node run</c> reads it, so
/// the token never appears in a service file or in process arguments.</summary>
public sealed record RemoteNodeSettings
{
    public string? GatewayUrl { get; init; }
    public string? DeviceToken { get; init; }
    public string? NodeId { get; init; }
    public string? DisplayName { get; init; }
    public string? WorkingDir { get; init; }
    /// <summary>Default and maximum command timeout, seconds.</summary>
    public int Timeout { get; init; } = 300;

    public const int DefaultTimeout = 300;

    /// <summary>The Moltnet home of the current user: <c>$HOME/.moltnet</c>.</summary>
    public static string HomeDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".moltnet");

    public static string ConfigPath => Path.Combine(HomeDirectory, "node.json");
    public static string LogPath => Path.Combine(HomeDirectory, "node.log");
    public static string PolicyPath => Path.Combine(HomeDirectory, "node-policy.json");

    /// <summary>The gateway WebSocket URL: http(s) become ws(s), and a URL without a path gets <c>/ws</c>.</summary>
    public static Uri GatewayUri(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss" or "http" or "https"))
            throw new RemoteNodeException($"invalid gateway URL \"{url}\" (ws://, wss://, http:// or https://)");
        var b = new UriBuilder(uri) { Scheme = uri.Scheme switch { "http" => "ws", "https" => "wss", _ => uri.Scheme } };
        if (b.Path is "" or "/") b.Path = "/ws";
        if (uri.IsDefaultPort) b.Port = -1;
        return b.Uri;
    }

    public static RemoteNodeSettings? Load(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), RemoteNodeJson.Default.RemoteNodeSettings)
                ?? throw new RemoteNodeException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new RemoteNodeException($"{path} is not valid JSON: {e.Message}");
        }
    }

    public void Save(string path) =>
        PrivateFile.Write(path, JsonSerializer.Serialize(this, RemoteNodeJson.Default.RemoteNodeSettings) + "\n");
}

/// <summary>A configuration problem: the CLI prints it and exits 78 (EX_CONFIG).</summary>
public sealed class RemoteNodeException(string message) : Exception(message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(RemoteNodeSettings))]
[JsonSerializable(typeof(NodePolicy))]
internal sealed partial class RemoteNodeJson : JsonSerializerContext;

/// <summary>0600 files in 0700 directories, written through a temp file and a rename.</summary>
public static class PrivateFile
{
    public static void Write(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temp = $"{full}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var w = new StreamWriter(temp, options)) w.Write(text);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
