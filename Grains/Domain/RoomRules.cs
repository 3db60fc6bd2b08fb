using Moltnet.Wire;

namespace Moltnet.Grains.Domain;

/// <summary>Validation of room input (spec §2.4 Rooms).</summary>
public static class RoomRules
{
    public const int MaxMembers = 256;

    /// <summary>Validates a create/apply request; returns the trimmed id.</summary>
    public static string ValidateCreate(CreateRoomRequest request)
    {
        var id = request.Id?.Trim() ?? "";
        if (id.Length == 0) throw MoltnetException.Unprocessable("room id is required");
        if (!Ids.IsValid(id)) throw MoltnetException.Unprocessable($"invalid room id \"{id}\"");
        NormalizeMembers(request.Members, "members");
        if (request.Visibility is { Length: > 0 } v && !RoomVisibility.IsValid(v))
            throw MoltnetException.Unprocessable($"invalid visibility \"{v}\": must be private or public");
        if (request.WritePolicy is { Length: > 0 } p && !RoomWritePolicy.IsValid(p))
            throw MoltnetException.Unprocessable($"invalid write_policy \"{p}\": must be members, registered_agents or operators");
        return id;
    }

    /// <summary>Trims, validates, de-duplicates and sorts member ids.</summary>
    public static List<string> NormalizeMembers(IReadOnlyList<string>? members, string field)
    {
        if (members is null) return [];
        if (members.Count > MaxMembers) throw MoltnetException.Unprocessable($"{field} must have at most {MaxMembers} entries");
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in members)
        {
            var m = raw?.Trim() ?? "";
            if (!Ids.IsValidMember(m)) throw MoltnetException.Unprocessable($"invalid member id \"{raw}\"");
            set.Add(m);
        }
        return [.. set];
    }

    public static Room Build(NetworkContext net, string id, CreateRoomRequest request, DateTimeOffset createdAt) => new()
    {
        Id = id,
        NetworkId = net.NetworkId,
        Fqid = net.Fqid("rooms", id),
        Name = string.IsNullOrWhiteSpace(request.Name) ? id : request.Name.Trim(),
        Members = NullIfEmpty(NormalizeMembers(request.Members, "members")),
        Visibility = string.IsNullOrEmpty(request.Visibility) ? RoomVisibility.Private : request.Visibility,
        WritePolicy = string.IsNullOrEmpty(request.WritePolicy) ? RoomWritePolicy.Members : request.WritePolicy,
        CreatedAt = createdAt,
    };

    public static IReadOnlyList<string>? NullIfEmpty(IReadOnlyCollection<string> list) => list.Count == 0 ? null : [.. list];
}
