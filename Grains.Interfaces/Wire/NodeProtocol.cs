using System.Text.Json;

namespace Moltnet.Wire;

/// <summary>One frame of the node gateway protocol (remote-nodes.md §2): <c>req</c>, <c>res</c> or <c>event</c>, camelCase.</summary>
public sealed record NodeFrame
{
    public required string Type { get; init; }
    public string? Id { get; init; }
    public string? Method { get; init; }
    public JsonElement? Params { get; init; }
    public bool? Ok { get; init; }
    public JsonElement? Payload { get; init; }
    public NodeError? Error { get; init; }
    public string? Event { get; init; }
    public long? Seq { get; init; }

    public static NodeFrame Req(string id, string method, JsonElement @params) => new() { Type = "req", Id = id, Method = method, Params = @params };
    public static NodeFrame Res(string id, JsonElement payload) => new() { Type = "res", Id = id, Ok = true, Payload = payload };
    public static NodeFrame Fail(string? id, string code, string message) => new() { Type = "res", Id = id, Ok = false, Error = new NodeError(code, message) };
    public static NodeFrame Evt(string name, JsonElement payload, long seq) => new() { Type = "event", Event = name, Payload = payload, Seq = seq };
}

public sealed record NodeError(string Code, string Message);

public static class NodeErrorCodes
{
    public const string InvalidRequest = "INVALID_REQUEST";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string ProtocolError = "PROTOCOL_ERROR";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string Unavailable = "UNAVAILABLE";
}

/// <summary>The node's first frame, <c>connect</c> (v4 form; the v3 flat keys are read too).</summary>
public sealed record ConnectParams
{
    public ProtocolRange? Protocol { get; init; }
    public int? MinProtocol { get; init; }
    public int? MaxProtocol { get; init; }
    public ConnectClient? Client { get; init; }
    public string? Role { get; init; }
    public ConnectAuth? Auth { get; init; }
    public ConnectExtensions? Extensions { get; init; }
    public IReadOnlyList<string>? Caps { get; init; }
    public IReadOnlyList<string>? Commands { get; init; }
}

public sealed record ProtocolRange(int Min, int Max);

public sealed record ConnectClient
{
    public string? Id { get; init; }
    public string? DisplayName { get; init; }
    public string? Version { get; init; }
    public string? Platform { get; init; }
    public string? Mode { get; init; }
}

public sealed record ConnectAuth(string? DeviceToken);

public sealed record ConnectExtensions(ConnectMoltis? Moltis);

public sealed record ConnectMoltis
{
    public IReadOnlyList<string>? Caps { get; init; }
    public IReadOnlyList<string>? Commands { get; init; }
    /// <summary>(ours) The node's own exec policy, reported for display; the node enforces it.</summary>
    public NodePolicyInfo? Policy { get; init; }
}

/// <summary>The successful <c>connect</c> answer.</summary>
public sealed record HelloOk
{
    public string Type { get; init; } = "hello-ok";
    public int Protocol { get; init; } = 4;
    public required HelloServer Server { get; init; }
    public required HelloAuth Auth { get; init; }
    public HelloPolicy Policy { get; init; } = new();
}

public sealed record HelloServer(string Version, string Host, string ConnId);

public sealed record HelloAuth(string Role, IReadOnlyList<string> Scopes, string NodeId, long IssuedAtMs);

public sealed record HelloPolicy
{
    public int MaxPayload { get; init; } = 524288;
    public int MaxBufferedBytes { get; init; } = 1572864;
    public int TickIntervalMs { get; init; } = 30000;
}

/// <summary>Event <c>node.invoke.request</c> (gateway → node).</summary>
public sealed record InvokeRequest(string InvokeId, string Command, RunArgs? Args);

/// <summary>Arguments of <c>system.run</c>: timeout in ms.</summary>
public sealed record RunArgs
{
    public string? Command { get; init; }
    public int? Timeout { get; init; }
    public string? Cwd { get; init; }
    public IReadOnlyDictionary<string, string>? Env { get; init; }
}

/// <summary>Req <c>node.invoke.result</c> (node → gateway).</summary>
public sealed record InvokeResultParams(string InvokeId, RunResult Result);

public sealed record RunResult
{
    public string Stdout { get; init; } = "";
    public string Stderr { get; init; } = "";
    public int ExitCode { get; init; }
    public bool TimedOut { get; init; }
    public bool Cancelled { get; init; }
    public bool Truncated { get; init; }
    public bool StdoutTruncated { get; init; }
    public bool StderrTruncated { get; init; }
    public string? Error { get; init; }
}

/// <summary>Req <c>node.invoke.chunk</c> (node → gateway): streamed output, in <see cref="Seq"/> order per invoke.</summary>
public sealed record InvokeChunk(string InvokeId, string Stream, long Seq, string Data);

/// <summary>Event <c>node.invoke.cancel</c> (gateway → node).</summary>
public sealed record InvokeCancel(string InvokeId);

/// <summary>Req <c>node.event</c> params.</summary>
public sealed record NodeEventParams(string Event, TelemetryPayload? Payload);

/// <summary><c>node.telemetry</c> payload (remote-nodes.md §6): bytes, seconds, percent.</summary>
public sealed record TelemetryPayload
{
    public string? NodeId { get; init; }
    public MemInfo? Mem { get; init; }
    public int CpuCount { get; init; }
    public double CpuUsage { get; init; }
    public long Uptime { get; init; }
    public IReadOnlyList<string>? Services { get; init; }
    public MemInfo? Disk { get; init; }
    public IReadOnlyList<string>? Runtimes { get; init; }
}

public sealed record MemInfo(long Total, long Available);

public static class NodeProtocol
{
    public const int Version = 4;
    public const int MaxFrameBytes = 524288;

    public static JsonElement ToElement<T>(T value) =>
        JsonSerializer.SerializeToElement(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)NodeProtocolJsonContext.Default.GetTypeInfo(typeof(T))!);

    public static T? FromElement<T>(JsonElement? element) =>
        element is { } e ? e.Deserialize((System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)NodeProtocolJsonContext.Default.GetTypeInfo(typeof(T))!) : default;

    public static byte[] Serialize(NodeFrame frame) => JsonSerializer.SerializeToUtf8Bytes(frame, NodeProtocolJsonContext.Default.NodeFrame);

    public static NodeFrame? Parse(ReadOnlySpan<byte> utf8) => JsonSerializer.Deserialize(utf8, NodeProtocolJsonContext.Default.NodeFrame);
}

/// <summary>camelCase JSON for the node protocol (Moltis wire names).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(NodeFrame))]
[JsonSerializable(typeof(ConnectParams))]
[JsonSerializable(typeof(HelloOk))]
[JsonSerializable(typeof(InvokeRequest))]
[JsonSerializable(typeof(InvokeResultParams))]
[JsonSerializable(typeof(InvokeChunk))]
[JsonSerializable(typeof(InvokeCancel))]
[JsonSerializable(typeof(NodeEventParams))]
[JsonSerializable(typeof(RunResult))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class NodeProtocolJsonContext : JsonSerializerContext;
