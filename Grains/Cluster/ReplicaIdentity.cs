using System.Text.RegularExpressions;

namespace Moltnet.Cluster;

/// <summary>Who this process is in a cluster: <c>MOLTNET_REPLICA_ID</c> (default: host name and process id) and
/// <c>MOLTNET_REPLICA_ADDRESS</c> (the address other replicas and operators reach it at, e.g. the pod IP).</summary>
public sealed partial record ReplicaIdentity(string Id, string? Address, DateTimeOffset StartedAt)
{
    /// <summary>Longest replica id: it is embedded in PostgreSQL's 63-byte <c>application_name</c>.</summary>
    public const int MaxIdLength = 40;

    public static ReplicaIdentity FromEnvironment(Func<string, string?> env, TimeProvider time)
    {
        var id = env("MOLTNET_REPLICA_ID")?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            id = Sanitize(Environment.MachineName) + "-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (!IsValidId(id))
        {
            throw new InvalidOperationException(
                $"MOLTNET_REPLICA_ID must be 1-{MaxIdLength} characters of letters, digits, '.', '_' or '-' (got \"{id}\")");
        }
        var address = env("MOLTNET_REPLICA_ADDRESS")?.Trim();
        return new ReplicaIdentity(id, string.IsNullOrEmpty(address) ? null : address, time.GetUtcNow());
    }

    public static bool IsValidId(string id) => id.Length <= MaxIdLength && IdPattern().IsMatch(id);

    private static string Sanitize(string host)
    {
        var s = InvalidChars().Replace(host.ToLowerInvariant(), "-").Trim('-');
        if (s.Length == 0) s = "replica";
        return s.Length > MaxIdLength - 11 ? s[..(MaxIdLength - 11)] : s;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("[^a-z0-9.-]")]
    private static partial Regex InvalidChars();
}
