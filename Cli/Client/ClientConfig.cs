using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moltnet.Cli.Client;

/// <summary><c>.moltnet/config.json</c> (<c>moltnet.client.v1</c>, spec node-and-cli §1.4).</summary>
public sealed class ClientConfig
{
    public const string CurrentVersion = "moltnet.client.v1";
    public const string LegacyVersion = "spawnfile.moltnet-http-skill.v1";

    [JsonPropertyName("version")] public string Version { get; set; } = CurrentVersion;
    [JsonPropertyName("agent")] public ClientAgent? Agent { get; set; }
    [JsonPropertyName("attachments")] public List<ClientAttachment> Attachments { get; set; } = [];
}

public sealed class ClientAgent
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("runtime")] public string? Runtime { get; set; }
}

public sealed class ClientAttachment
{
    [JsonPropertyName("agent_name")] public string? AgentName { get; set; }
    [JsonPropertyName("base_url")] public string BaseUrl { get; set; } = "";
    [JsonPropertyName("network_id")] public string NetworkId { get; set; } = "";
    [JsonPropertyName("member_id")] public string MemberId { get; set; } = "";
    [JsonPropertyName("runtime")] public string? Runtime { get; set; }
    [JsonPropertyName("auth")] public ClientAuth? Auth { get; set; }
    [JsonPropertyName("rooms")] public List<ClientRoom>? Rooms { get; set; }
    [JsonPropertyName("dms")] public ClientDms? Dms { get; set; }
}

public sealed class ClientAuth
{
    [JsonPropertyName("mode")] public string? Mode { get; set; }
    [JsonPropertyName("registration")] public string? Registration { get; set; }
    [JsonPropertyName("token")] public string? Token { get; set; }
    [JsonPropertyName("token_env")] public string? TokenEnv { get; set; }
    [JsonPropertyName("token_path")] public string? TokenPath { get; set; }

    [JsonIgnore] public bool HasSource => !string.IsNullOrEmpty(Token) || !string.IsNullOrEmpty(TokenEnv) || !string.IsNullOrEmpty(TokenPath);
}

public sealed class ClientRoom
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("wake")] public string? Wake { get; set; }
    [JsonPropertyName("can_write")] public bool? CanWrite { get; set; }
    [JsonPropertyName("access")] public ClientRoomAccess? Access { get; set; }
}

public sealed class ClientRoomAccess
{
    [JsonPropertyName("can_read")] public bool? CanRead { get; set; }
    [JsonPropertyName("can_write")] public bool? CanWrite { get; set; }
    [JsonPropertyName("reason")] public string? Reason { get; set; }
}

public sealed class ClientDms
{
    [JsonPropertyName("enabled")] public bool Enabled { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ClientConfig))]
[JsonSerializable(typeof(IdentityFile))]
internal sealed partial class ClientJson : JsonSerializerContext;

/// <summary><c>.moltnet/identity.json</c> (<c>moltnet.identity.v1</c>).</summary>
public sealed class IdentityFile
{
    [JsonPropertyName("version")] public string Version { get; set; } = "moltnet.identity.v1";
    [JsonPropertyName("network_id")] public string NetworkId { get; set; } = "";
    [JsonPropertyName("agent_id")] public string AgentId { get; set; } = "";
    [JsonPropertyName("actor_uid")] public string? ActorUid { get; set; }
    [JsonPropertyName("actor_uri")] public string? ActorUri { get; set; }
    [JsonPropertyName("display_name")] public string? DisplayName { get; set; }
}
