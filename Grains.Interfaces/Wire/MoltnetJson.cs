using System.Globalization;
using System.Text.Json;

namespace Moltnet.Wire;

/// <summary>The one source-generated JSON context for every wire type.</summary>
/// <remarks>
/// On read, source generation sets every init-only property, passing null for an absent key (dotnet/runtime#84484), so
/// a non-nullable wire property with a default coalesces null back to that default in its <c>init</c> accessor.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    Converters = [typeof(Rfc3339Converter)])]
[JsonSerializable(typeof(Network))]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(Room))]
[JsonSerializable(typeof(RoomList))]
[JsonSerializable(typeof(ThreadInfo))]
[JsonSerializable(typeof(ThreadList))]
[JsonSerializable(typeof(DirectConversation))]
[JsonSerializable(typeof(DmList))]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(MessageList))]
[JsonSerializable(typeof(Artifact))]
[JsonSerializable(typeof(ArtifactList))]
[JsonSerializable(typeof(AgentSummary))]
[JsonSerializable(typeof(AgentList))]
[JsonSerializable(typeof(AgentRegistration))]
[JsonSerializable(typeof(Pairing))]
[JsonSerializable(typeof(PairingList))]
[JsonSerializable(typeof(PairingDiagnostics))]
[JsonSerializable(typeof(Event))]
[JsonSerializable(typeof(AttachFrame))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(MessageAccepted))]
[JsonSerializable(typeof(CreateRoomRequest))]
[JsonSerializable(typeof(UpdateMembersRequest))]
[JsonSerializable(typeof(RegisterAgentRequest))]
[JsonSerializable(typeof(ApplyRequest))]
[JsonSerializable(typeof(ApplyResult))]
[JsonSerializable(typeof(RemoveResult))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(StatusBody))]
[JsonSerializable(typeof(List<Pairing>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(NodeInfo))]
[JsonSerializable(typeof(NodeList))]
[JsonSerializable(typeof(NodeTelemetry))]
[JsonSerializable(typeof(NodePolicyInfo))]
[JsonSerializable(typeof(CreateDeviceTokenRequest))]
[JsonSerializable(typeof(DeviceTokenCreated))]
[JsonSerializable(typeof(DeviceTokenList))]
[JsonSerializable(typeof(NodeSelection))]
[JsonSerializable(typeof(ExecRequest))]
[JsonSerializable(typeof(ExecFrame))]
[JsonSerializable(typeof(ExecResult))]
public sealed partial class MoltnetJsonContext : JsonSerializerContext;

/// <summary>Serializer helpers bound to <see cref="MoltnetJsonContext"/>.</summary>
public static class MoltnetJson
{
    /// <summary>The context every wire read and write uses: the generated metadata with relaxed escaping, so non-ASCII
    /// text is written as UTF-8 (as the Go original does) instead of \uXXXX escapes. Responses are JSON or SSE, never HTML.</summary>
    public static MoltnetJsonContext Context { get; } = new(new JsonSerializerOptions(MoltnetJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static JsonSerializerOptions Options => Context.Options;

    public static string Serialize<T>(T value) =>
        JsonSerializer.Serialize(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Context.GetTypeInfo(typeof(T))!);

    public static byte[] SerializeToUtf8<T>(T value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Context.GetTypeInfo(typeof(T))!);

    public static T? Deserialize<T>(string json) =>
        JsonSerializer.Deserialize(json, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Context.GetTypeInfo(typeof(T))!);

    public static T? Deserialize<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Context.GetTypeInfo(typeof(T))!);
}

/// <summary>RFC 3339 in UTC with trailing fractional zeros trimmed, like Go's <c>time.RFC3339Nano</c>.</summary>
public sealed class Rfc3339Converter : JsonConverter<DateTimeOffset>
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));
}
