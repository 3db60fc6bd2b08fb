using System.Text.Json;
using Moltnet.Configuration;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Pairings;

/// <summary>The outcome of a compatibility check: the status to store and its diagnostics.</summary>
public sealed record CheckResult(string Status, PairingDiagnostics Diagnostics)
{
    /// <summary>Whether the remote accepts DMs (false when unknown).</summary>
    public bool RemoteDirectMessages { get; init; }
}

/// <summary>Judges a remote <c>GET /v1/network</c> answer against a pairing (spec §6 Compatibility, first match wins).</summary>
public static class Compatibility
{
    public const string RemoteRequestFailed = "remote_request_failed";
    public const string NetworkIdMismatch = "network_id_mismatch";
    public const string UnsupportedHttpProtocol = "unsupported_http_protocol";
    public const string UnsupportedPairProtocol = "unsupported_pair_protocol";
    public const string MissingCursorPagination = "missing_cursor_pagination";
    public const string DirectMessagesDisabled = "direct_messages_disabled";
    public const string RelayFailed = "relay_failed";

    public static CheckResult Failed(DateTimeOffset now, string message, PairingDiagnostics? previous = null) =>
        new(PairingStatus.Error, new PairingDiagnostics
        {
            CheckedAt = now,
            RemoteVersion = previous?.RemoteVersion,
            RemoteNetworkId = previous?.RemoteNetworkId,
            RemoteProtocols = previous?.RemoteProtocols ?? new Protocols(),
            Reason = RemoteRequestFailed,
            Message = message,
        });

    /// <summary>Evaluates a 2xx answer body. A body that is not a network document counts as a failed fetch.</summary>
    public static CheckResult Evaluate(PairingConfig pairing, byte[] body, DateTimeOffset now, PairingDiagnostics? previous = null)
    {
        RemoteNetwork remote;
        try
        {
            remote = Parse(body);
        }
        catch (JsonException)
        {
            return Failed(now, "GET /v1/network answered with something that is not a network document", previous);
        }
        var diagnostics = new PairingDiagnostics
        {
            CheckedAt = now,
            RemoteVersion = remote.Version,
            RemoteNetworkId = remote.Id,
            RemoteProtocols = new Protocols(remote.Http, remote.Attach, remote.Pair),
        };
        CheckResult Result(string status, string? reason, string? message) =>
            new(status, diagnostics with { Reason = reason, Message = message }) { RemoteDirectMessages = remote.DirectMessages };

        if (remote.Id != pairing.RemoteNetworkId)
            return Result(PairingStatus.Incompatible, NetworkIdMismatch,
                $"Remote network id \"{remote.Id}\" does not match the configured \"{pairing.RemoteNetworkId}\".");
        var legacy = remote.Http.Count == 0 && remote.Attach.Count == 0 && remote.Pair.Count == 0 && remote.Pagination == "cursor";
        if (!remote.Http.Contains(Protocols.HttpV1) && !legacy)
            return Result(PairingStatus.Incompatible, UnsupportedHttpProtocol, $"Remote does not speak {Protocols.HttpV1}.");
        if (remote.Pair.Count > 0 && !remote.Pair.Contains(Protocols.PairV1))
            return Result(PairingStatus.Incompatible, UnsupportedPairProtocol,
                $"Remote speaks {string.Join(", ", remote.Pair)}, not {Protocols.PairV1}.");
        if (remote.Pagination != "cursor")
            return Result(PairingStatus.Degraded, MissingCursorPagination, "Remote does not offer cursor pagination; discovery is unavailable.");
        if (!remote.DirectMessages)
            return Result(PairingStatus.Degraded, DirectMessagesDisabled, "Remote has direct messages disabled; DMs are not relayed.");
        return Result(PairingStatus.Connected, null, null);
    }

    private sealed record RemoteNetwork(string Id, string? Version, List<string> Http, List<string> Attach, List<string> Pair,
        string? Pagination, bool DirectMessages);

    private static RemoteNetwork Parse(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
            throw new JsonException("not a network document");
        var protocols = Property(root, "protocols");
        var capabilities = Property(root, "capabilities");
        return new RemoteNetwork(
            id.GetString()!,
            String(root, "version"),
            Strings(protocols, "http"),
            Strings(protocols, "attach"),
            Strings(protocols, "pair"),
            String(capabilities, "message_pagination"),
            Property(capabilities, "direct_messages").ValueKind == JsonValueKind.True);
    }

    private static JsonElement Property(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    private static string? String(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static List<string> Strings(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.Array } a
            ? [.. a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];
}
