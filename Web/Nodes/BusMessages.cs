using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moltnet.Web.Nodes;

internal sealed record RevokeMessage(string NodeId);

/// <summary>Run <see cref="Args"/> on <see cref="NodeId"/> (held by the target replica); answer to <see cref="ReplyTo"/>.</summary>
internal sealed record RemoteExecMessage(string ExecId, string NodeId, string ReplyTo, RunArgs Args, long WaitMs);

/// <summary>A piece of output (<see cref="Stream"/> set) or the end (<see cref="Result"/> set, without its output, which
/// the caller rebuilds from the pieces), numbered from 0 in order.</summary>
internal sealed record RemoteExecPiece(string ExecId, long Seq, string? Stream, string? Data, RunResult? Result);

internal sealed record CancelMessage(string ExecId);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RevokeMessage))]
[JsonSerializable(typeof(RemoteExecMessage))]
[JsonSerializable(typeof(RemoteExecPiece))]
[JsonSerializable(typeof(CancelMessage))]
internal sealed partial class BusJsonContext : JsonSerializerContext;

internal static class BusJson
{
    public static string Write<T>(T value) =>
        JsonSerializer.Serialize(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)BusJsonContext.Default.GetTypeInfo(typeof(T))!);

    public static T? Read<T>(string payload)
    {
        try { return JsonSerializer.Deserialize(payload, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)BusJsonContext.Default.GetTypeInfo(typeof(T))!); }
        catch (JsonException) { return default; }
    }
}
