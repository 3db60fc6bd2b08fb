using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Moltnet;

/// <summary>The spec's identifier grammar and generated identifiers (spec §1).</summary>
public static partial class Ids
{
    // \z, not $: .NET's $ also matches before a final "\n", Go's does not.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}\z")]
    private static partial Regex IdPattern();

    /// <summary>True when <paramref name="id"/> (already trimmed) matches the ID grammar.</summary>
    public static bool IsValid(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>A member or agent id: bare, <c>net:agent</c> (both halves valid) or <c>molt://net/agents/agent</c>.</summary>
    public static bool IsValidMember(string? id)
    {
        if (string.IsNullOrEmpty(id)) return false;
        if (TryParseAgentFqid(id, out var net, out var agent)) return net.Length > 0 && IsValid(agent);
        var colon = id.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? IsValid(id) : IsValid(id[..colon]) && IsValid(id[(colon + 1)..]);
    }

    /// <summary>Splits a member string into (network, agent); a bare member belongs to <paramref name="localNetwork"/>.</summary>
    public static (string Network, string Agent) SplitMember(string member, string localNetwork)
    {
        if (TryParseAgentFqid(member, out var net, out var agent)) return (net, agent);
        var colon = member.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (localNetwork, member) : (member[..colon], member[(colon + 1)..]);
    }

    /// <summary>True for a scoped (<c>net:id</c>) or FQID member string.</summary>
    public static bool IsQualified(string member) =>
        member.StartsWith("molt://", StringComparison.Ordinal) || member.Contains(':', StringComparison.Ordinal);

    public static bool TryParseAgentFqid(string value, out string network, out string agent)
    {
        network = agent = "";
        const string prefix = "molt://";
        if (!value.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var rest = value[prefix.Length..];
        var slash = rest.IndexOf("/agents/", StringComparison.Ordinal);
        if (slash < 0) return false;
        network = rest[..slash];
        agent = rest[(slash + "/agents/".Length)..];
        return !agent.Contains('/', StringComparison.Ordinal);
    }

    /// <summary>Actor-match: candidate names agent <paramref name="agent"/> of network <paramref name="network"/>.</summary>
    /// <summary>Whether <paramref name="candidate"/> names <paramref name="agent"/> of <paramref name="network"/>: the bare id,
    /// <c>network:agent</c> or the FQID <c>molt://network/agents/agent</c>. Allocation-free: it runs per event per session.</summary>
    public static bool ActorMatches(string candidate, string network, string agent)
    {
        if (candidate == agent) return true;
        var c = candidate.AsSpan();
        if (c.Length == network.Length + 1 + agent.Length)
            return c.StartsWith(network, StringComparison.Ordinal) && c[network.Length] == ':' && c.EndsWith(agent, StringComparison.Ordinal);
        const string scheme = "molt://", agents = "/agents/";
        return c.Length == scheme.Length + network.Length + agents.Length + agent.Length
            && c.StartsWith(scheme, StringComparison.Ordinal)
            && c[scheme.Length..].StartsWith(network, StringComparison.Ordinal)
            && c[(scheme.Length + network.Length)..].StartsWith(agents, StringComparison.Ordinal)
            && c.EndsWith(agent, StringComparison.Ordinal);
    }

    public static string Fqid(string network, string kind, string id) => $"molt://{network}/{kind}/{id}";

    public static string NewMessageId() => "msg_" + Guid.NewGuid().ToString("D");

    public static string NewEventId() => "evt_" + Guid.NewGuid().ToString("D");

    public static string NewActorUid() => "actor_" + Guid.NewGuid().ToString("D");

    /// <summary>The deterministic id of a message's <c>message.created</c> event.</summary>
    public static string MessageEventId(string messageId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(messageId), hash);
        var b = hash[..16];
        b[6] = (byte)((b[6] & 0x0f) | 0x40);
        b[8] = (byte)((b[8] & 0x3f) | 0x80);
        var hex = Convert.ToHexStringLower(b);
        return $"evt_{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    public static string GapEventId(string requested) =>
        "evt_gap_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requested)));

    /// <summary>A new agent token: <c>magt_v1_</c> + unpadded base64url of 32 random bytes.</summary>
    public static string NewAgentToken() =>
        "magt_v1_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
