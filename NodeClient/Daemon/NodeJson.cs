using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moltnet.NodeClient.Daemon;

/// <summary>JSON of the node's own state files (snake_case, indented).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(CursorFile))]
[JsonSerializable(typeof(SessionStoreFile))]
internal sealed partial class NodeJsonContext : JsonSerializerContext
{
    public static string Serialize<T>(T value) =>
        JsonSerializer.Serialize(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Default.GetTypeInfo(typeof(T))!);

    public static T? Deserialize<T>(string json) =>
        JsonSerializer.Deserialize(json, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Default.GetTypeInfo(typeof(T))!);
}

/// <summary><c>cursors/&lt;agent&gt;.json</c>: the last event the attachment finished with (its resume point).</summary>
internal sealed record CursorFile(string Version, string NetworkId, string AgentId, string Cursor, DateTimeOffset UpdatedAt)
{
    public const string CurrentVersion = "moltnet.node-cursor.v1";
}

/// <summary><c>.moltnet/sessions.json</c> of a CLI runtime's workspace (spec node-and-cli §1.4).</summary>
internal sealed record SessionStoreFile
{
    public const string CurrentVersion = "moltnet.cli-sessions.v1";

    public string Version { get; init; } = CurrentVersion;
    public Dictionary<string, SessionEntry> Sessions { get; init; } = new(StringComparer.Ordinal);
}

internal sealed record SessionEntry(string RuntimeSessionId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
