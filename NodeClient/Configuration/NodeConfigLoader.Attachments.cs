using Moltnet.Configuration.Tree;

namespace Moltnet.NodeClient.Configuration;

public static partial class NodeConfigLoader
{
    private static readonly string[] AttachmentKeys = ["agent", "moltnet", "runtime", "rooms", "dms"];
    private static readonly string[] RoomWakes = [WakeModes.All, WakeModes.Mentions, WakeModes.ThreadOnly, WakeModes.Never];

    /// <summary>One attachment, validated as its merged single config; problems are prefixed <c>attachments[i]: </c>.</summary>
    private static NodeAttachment MapAttachment(ConfigNode node, int i, NodeMoltnetSection shared, NodeLoadContext ctx)
    {
        var a = ConfigMap.Of(node, node.Path, ctx.Source, ctx.Errors, AttachmentKeys);
        var agent = a.Map("agent", "id", "name");
        var id = agent.String("id") ?? "";
        if (id.Length == 0) ctx.Error(i, "agent.id", "required");
        else if (!Ids.IsValid(id)) ctx.Error(i, "agent.id", $"not a valid agent id (got \"{id}\")");
        var name = agent.String("name") ?? "";

        var own = MapTokenSources(a.Map("moltnet", "token", "token_env", "token_path"), ctx);
        return new NodeAttachment
        {
            Agent = new NodeAgent { Id = id, Name = name.Length > 0 ? name : id },
            Moltnet = own,
            Runtime = MapRuntime(a.Map("runtime", RuntimeKeys), i, ctx),
            Rooms = MapRooms(a, i, ctx),
            Dms = MapDms(a, i, ctx),
            Credentials = Credentials(i, own, shared, ctx),
        };
    }

    private static List<NodeRoomBinding> MapRooms(ConfigMap attachment, int i, NodeLoadContext ctx)
    {
        var rooms = new List<NodeRoomBinding>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodes = attachment.List("rooms");
        for (var r = 0; r < nodes.Count; r++)
        {
            var room = ConfigMap.Of(nodes[r], nodes[r].Path, ctx.Source, ctx.Errors, "id", "wake");
            var id = room.String("id") ?? "";
            if (id.Length == 0) ctx.Error(i, $"rooms[{r}].id", "required");
            else if (!Ids.IsValid(id)) ctx.Error(i, $"rooms[{r}].id", $"not a valid room id (got \"{id}\")");
            else if (!seen.TryAdd(id, r)) ctx.Error(i, $"rooms[{r}].id", $"duplicate room \"{id}\" (also rooms[{seen[id]}])");
            rooms.Add(new NodeRoomBinding { Id = id, Wake = Wake(room, $"rooms[{r}].wake", i, ctx) });
        }
        return rooms;
    }

    /// <summary>Omitted ⇒ DMs off. <c>thread_only</c> is accepted for DMs but never wakes one.</summary>
    private static NodeDmBinding MapDms(ConfigMap attachment, int i, NodeLoadContext ctx)
    {
        var dms = attachment.Map("dms", "enabled", "wake");
        return new NodeDmBinding { Enabled = dms.Bool("enabled") ?? false, Wake = Wake(dms, "dms.wake", i, ctx) };
    }

    /// <summary>Empty means <c>all</c>; an unknown value is an error naming the field (no fallback).</summary>
    private static string Wake(ConfigMap m, string field, int i, NodeLoadContext ctx)
    {
        var wake = m.String("wake") ?? "";
        if (wake.Length == 0) return WakeModes.All;
        if (!RoomWakes.Contains(wake))
            ctx.Error(i, field, $"must be one of {string.Join(", ", RoomWakes)} (got \"{wake}\")");
        return wake;
    }
}
