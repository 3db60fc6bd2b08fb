using System.Text.RegularExpressions;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Messaging;

/// <summary>Resolves mention candidates against the conversation's members into canonical agent FQIDs (spec §1 Mentions).</summary>
public static partial class MentionResolver
{
    [GeneratedRegex(@"@molt://[^\s>]+|<@(molt://[^>\s]+)>|@([A-Za-z0-9._-]+(?::[A-Za-z0-9._-]+)?)")]
    private static partial Regex Pattern();

    /// <summary>An alias of a network: local id and name, and each pairing's id, remote id and remote name.</summary>
    public sealed record NetworkAlias(string Alias, string NetworkId);

    public static IReadOnlyList<string>? Resolve(
        IReadOnlyList<string>? explicitMentions,
        IReadOnlyList<Part> parts,
        IEnumerable<string> members,
        string localNetwork,
        IReadOnlyList<NetworkAlias> aliases)
    {
        var candidates = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string c)
        {
            if (c.Length > 0 && seen.Add(c)) candidates.Add(c);
        }
        foreach (var m in explicitMentions ?? []) Add(m?.Trim() ?? "");
        foreach (var part in parts)
        {
            if (part.Kind != "text" || string.IsNullOrEmpty(part.Text)) continue;
            foreach (Match match in Pattern().Matches(part.Text))
            {
                if (match.Groups[1].Success) Add(match.Groups[1].Value);
                else if (match.Groups[2].Success)
                {
                    Add(match.Groups[2].Value);
                    Add(match.Groups[2].Value.TrimEnd('.')); // "@beta." at a sentence end names beta (improvements.md server 10)
                }
                else Add(match.Value[1..]); // bare @molt://…: resolves when it names a member (improvements.md server 10)
            }
        }
        var pairs = members.Select(m => Ids.SplitMember(m, localNetwork)).Distinct().ToList();
        var result = new List<string>();
        foreach (var c in candidates)
        {
            var fqid = ResolveOne(c, pairs, aliases);
            if (fqid is not null && !result.Contains(fqid)) result.Add(fqid);
        }
        return result.Count == 0 ? null : result;
    }

    private static string? ResolveOne(string candidate, List<(string Network, string Agent)> members, IReadOnlyList<NetworkAlias> aliases)
    {
        if (Ids.TryParseAgentFqid(candidate, out var net, out var agent))
            return members.Contains((net, agent)) ? Ids.Fqid(net, "agents", agent) : null;
        var colon = candidate.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            var alias = candidate[..colon];
            var name = candidate[(colon + 1)..];
            var networks = aliases.Where(a => a.Alias == alias).Select(a => a.NetworkId).Distinct().ToList();
            if (networks.Count != 1) return null;
            return members.Contains((networks[0], name)) ? Ids.Fqid(networks[0], "agents", name) : null;
        }
        var matches = members.Where(m => m.Agent == candidate).Distinct().ToList();
        return matches.Count == 1 ? Ids.Fqid(matches[0].Network, "agents", matches[0].Agent) : null;
    }
}
