namespace Moltnet.Wire;

/// <summary>A pairing with another network. The token is never emitted.</summary>
public sealed record Pairing
{
    public required string Id { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string RemoteNetworkId { get; init => field = value ?? ""; } = "";
    public string? RemoteNetworkName { get; init; }
    public string? RemoteBaseUrl { get; init; }
    public string? Status { get; init; }
    public PairingDiagnostics? Diagnostics { get; init; }
}

/// <summary>The result of the last compatibility check of a pairing.</summary>
public sealed record PairingDiagnostics
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public DateTimeOffset CheckedAt { get; init; }
    public string? RemoteVersion { get; init; }
    public string? RemoteNetworkId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public Protocols RemoteProtocols { get; init => field = value ?? new(); } = new();
    public string? Reason { get; init; }
    public string? Message { get; init; }
}

public static class PairingStatus
{
    public const string Connected = "connected";
    public const string Degraded = "degraded";
    public const string Incompatible = "incompatible";
    public const string Error = "error";
    public const string Unknown = "unknown";
}
