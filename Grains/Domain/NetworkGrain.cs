using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain;

/// <summary>Network-wide collections read from the store, and agent removal across rooms.</summary>
[Reentrant]
internal sealed class NetworkGrain(IMoltnetStore store, NetworkContext net, IPresence presence) : Grain, INetworkGrain
{
    public async ValueTask<RoomList> ListRoomsAsync(Caller caller, PageQuery page, CancellationToken ct)
    {
        var rooms = (await store.ListRoomsAsync(ct))
            .Where(r => !r.Removed && net.CanRead(caller, r.Room))
            .Select(r => net.WithAccess(caller, r.Room))
            .ToList();
        var (items, info) = page.Apply(rooms, r => r.Id);
        return new RoomList(items, info);
    }

    public async ValueTask<AgentList> ListAgentsAsync(Caller caller, PageQuery page, CancellationToken ct)
    {
        var all = await BuildAgentsAsync(caller, ct);
        var (items, info) = page.Apply(all.Values.Where(a => a.Visible).Select(a => a.Summary).ToList(), a => a.Id);
        return new AgentList(items, info);
    }

    public async ValueTask<AgentSummary> GetAgentAsync(Caller caller, string agentId, CancellationToken ct)
    {
        var all = await BuildAgentsAsync(caller, ct);
        // Registered agents show when they share a readable room; unregistered members need the private roster.
        if (all.TryGetValue(agentId, out var entry)
            && (caller.SeesEverything || (entry.Summary.ActorUid is not null && entry.Visible)))
            return entry.Summary;
        throw MoltnetException.NotFound($"unknown agent \"{agentId}\"");
    }

    public async ValueTask<RemoveResult> RemoveAgentAsync(string agentId, CancellationToken ct)
    {
        if (!Ids.IsValid(agentId)) throw MoltnetException.Unprocessable($"invalid agent id \"{agentId}\"");
        var registration = await store.ReadAgentAsync(agentId, ct);
        var memberOf = (await store.ListRoomsAsync(ct))
            .Where(r => !r.Removed && (r.Room.Members?.Contains(agentId) ?? false))
            .Select(r => r.Room.Id)
            .ToList();
        if (registration is null && memberOf.Count == 0) throw MoltnetException.NotFound($"unknown agent \"{agentId}\"");
        foreach (var roomId in memberOf)
            await GrainFactory.GetGrain<IRoomGrain>(roomId).DropMemberAsync(agentId, ct);
        var removed = net.NewEvent(EventTypes.AgentRemoved, net.Now()) with
        {
            Agent = net.AgentPayload(agentId, registration?.Value.DisplayName, "removed"),
        };
        if (registration is null || !await GrainFactory.GetGrain<IAgentGrain>(agentId).RemoveAsync(removed, ct))
            await store.AppendEventsAsync([removed], ct);
        return new RemoveResult(true, "agent", agentId);
    }

    private sealed record Entry(AgentSummary Summary, bool Visible);

    /// <summary>Every agent the network knows, with whether the caller may see it in listings (spec §2.4 Agents).</summary>
    private async Task<Dictionary<string, Entry>> BuildAgentsAsync(Caller caller, CancellationToken ct)
    {
        var rooms = (await store.ListRoomsAsync(ct)).Where(r => !r.Removed).Select(r => r.Room).ToList();
        var registered = (await store.ListAgentsAsync(ct)).ToDictionary(a => a.AgentId, StringComparer.Ordinal);
        var roomsOf = new SortedDictionary<string, (SortedSet<string> All, bool Readable)>(StringComparer.Ordinal);
        foreach (var room in rooms)
        {
            var readable = net.CanRead(caller, room);
            foreach (var m in room.Members ?? [])
            {
                if (!roomsOf.TryGetValue(m, out var e)) e = (new SortedSet<string>(StringComparer.Ordinal), false);
                if (readable) e.All.Add(room.Id);
                roomsOf[m] = (e.All, e.Readable || readable);
            }
        }
        var result = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var (id, (memberRooms, readable)) in roomsOf)
        {
            registered.TryGetValue(id, out var reg);
            result[id] = new Entry(Summary(id, reg, memberRooms), readable);
        }
        foreach (var (id, reg) in registered)
            if (!result.ContainsKey(id)) result[id] = new Entry(Summary(id, reg, []), caller.SeesEverything);
        return result;
    }

    private AgentSummary Summary(string id, AgentRegistration? reg, IReadOnlyCollection<string> rooms)
    {
        var (network, agent) = Ids.SplitMember(id, net.NetworkId);
        return new AgentSummary
        {
            Id = id,
            Name = reg?.DisplayName,
            ActorUid = reg?.ActorUid,
            Fqid = reg?.ActorUri ?? Ids.Fqid(network, "agents", agent),
            NetworkId = network,
            Rooms = rooms.Count == 0 ? null : [.. rooms],
            Connected = network == net.NetworkId && presence.IsConnected(agent),
        };
    }
}
