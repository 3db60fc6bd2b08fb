using Moltnet.Configuration;
using Moltnet.Configuration.Tree;

namespace Moltnet.Silo.Configuration;

public static partial class ConfigLoader
{
    /// <summary>The most members a room may have (as for the rooms API).</summary>
    public const int MaxRoomMembers = 256;

    private static readonly string[] RoomKeys = ["id", "name", "members", "visibility", "write_policy"];
    private static readonly string[] PairingKeys = ["id", "remote_network_id", "remote_network_name", "remote_base_url", "token", "status"];

    private static List<RoomDeclaration> MapRooms(ConfigMap root)
    {
        var rooms = new List<RoomDeclaration>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in root.List("rooms"))
        {
            var r = ConfigMap.Of(node, node.Path, root.Source, root.Errors, RoomKeys);
            var id = (r.String("id") ?? "").Trim();
            if (id.Length == 0) r.Error("id", "required");
            else if (!Ids.IsValid(id)) r.Error("id", $"not a valid room id (got \"{id}\")");
            else if (!seen.TryAdd(id, rooms.Count)) r.Error("id", $"duplicate room id \"{id}\" (also rooms[{seen[id]}])");

            var members = (r.Strings("members") ?? []).Select(x => x.Trim()).ToList();
            for (var i = 0; i < members.Count; i++)
            {
                if (!Ids.IsValidMember(members[i]))
                    root.Errors.Add(root.Source, ConfigNode.Item(r.PathOf("members"), i), $"not a valid member id (got \"{members[i]}\")");
            }
            if (members.Count > MaxRoomMembers) r.Error("members", $"at most {MaxRoomMembers} members (got {members.Count})");

            var visibility = NonEmpty(r.String("visibility")) ?? "private";
            CheckOneOf(r, "visibility", visibility, "private", "public");
            var writePolicy = NonEmpty(r.String("write_policy")) ?? "members";
            CheckOneOf(r, "write_policy", writePolicy, "members", "registered_agents", "operators");
            rooms.Add(new RoomDeclaration
            {
                Id = id,
                Name = NonEmpty(r.String("name")) ?? id,
                Members = members,
                Visibility = visibility,
                WritePolicy = writePolicy,
            });
        }
        return rooms;
    }

    /// <summary>Maps pairings from the file or from <c>MOLTNET_PAIRINGS_JSON</c> (then <paramref name="plaintext"/> is null).</summary>
    private static List<PairingConfig> MapPairings(IReadOnlyList<ConfigNode> nodes, string source, ConfigErrors errors, List<string>? plaintext)
    {
        var pairings = new List<PairingConfig>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var p = ConfigMap.Of(node, node.Path, source, errors, PairingKeys);
            var id = p.String("id") ?? "";
            if (id.Length == 0) p.Error("id", "required");
            else if (!Ids.IsValid(id)) p.Error("id", $"not a valid pairing id (got \"{id}\")");
            else if (!seen.TryAdd(id, pairings.Count)) p.Error("id", $"duplicate pairing id \"{id}\" (also pairings[{seen[id]}])");
            var remoteId = p.String("remote_network_id") ?? "";
            if (remoteId.Length == 0) p.Error("remote_network_id", "required");
            var url = p.String("remote_base_url") ?? "";
            if (url.Length == 0) p.Error("remote_base_url", "required");
            else if (!ConfigUrl.IsValid(url, "http", "https")) p.Error("remote_base_url", $"must be an http or https URL with a host (got \"{url}\")");
            var token = p.String("token") ?? "";
            if (token.Length > 0) plaintext?.Add(p.PathOf("token"));
            pairings.Add(new PairingConfig
            {
                Id = id,
                RemoteNetworkId = remoteId,
                RemoteNetworkName = p.String("remote_network_name") ?? "",
                RemoteBaseUrl = url,
                Token = token,
                Status = p.String("status") ?? "",
            });
        }
        return pairings;
    }
}
