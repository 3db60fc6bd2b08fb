using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

/// <summary>Rules every backend applies the same way: argument checks, normalization of stored records, page limits.</summary>
internal static class StoreRules
{
    public static void CheckExpected(long expectedVersion)
    {
        if (expectedVersion < 0)
            throw new ArgumentOutOfRangeException(nameof(expectedVersion), expectedVersion, "expected version must be >= 0");
    }

    public static StaleStateException Stale(string what, string id, long expectedVersion) =>
        new(expectedVersion == 0
            ? $"{what} \"{id}\" already exists"
            : $"{what} \"{id}\" is not at version {expectedVersion}");

    public static MoltnetException InvalidCursor(string cursor) => new(422, $"invalid cursor \"{cursor}\"");

    /// <summary>Clamps a limit the way spec §2.2 does (callers clamp already; this keeps the store safe).</summary>
    public static int Limit(PageRequest page)
    {
        if (page.Before is not null && page.After is not null)
            throw new MoltnetException(422, "before and after cannot be combined");
        return page.Limit <= 0 ? PageRequest.DefaultLimit : Math.Min(page.Limit, PageRequest.MaxLimit);
    }

    public static void CheckScope(MessageScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.Kind is not (TargetKind.Room or TargetKind.Thread or TargetKind.Dm))
            throw new ArgumentException($"unknown scope kind \"{scope.Kind}\"", nameof(scope));
    }

    /// <summary>Sorted (ordinal), de-duplicated; null when empty (the wire omits empty lists).</summary>
    public static IReadOnlyList<string>? SortedSet(IReadOnlyList<string>? values) =>
        values is null || values.Count == 0
            ? null
            : values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A room as stored: access dropped, members sorted and unique, times in UTC.</summary>
    public static Room Normalize(Room room) => room with
    {
        Access = null,
        Members = SortedSet(room.Members),
        CreatedAt = room.CreatedAt.ToUniversalTime(),
    };

    public static RoomState Normalize(RoomState state) =>
        new(Normalize(state.Room), state.DeletedAt?.ToUniversalTime());

    /// <summary>A registration as stored: the one-time agent token is never stored.</summary>
    public static AgentRegistration Normalize(AgentRegistration agent) => agent with
    {
        AgentToken = null,
        CreatedAt = agent.CreatedAt.ToUniversalTime(),
        UpdatedAt = agent.UpdatedAt.ToUniversalTime(),
    };

    public static AgentRegistration CheckAgent(string agentId, AgentRegistration agent) =>
        agent.AgentId == agentId ? agent : throw new ArgumentException($"registration is for \"{agent.AgentId}\", not \"{agentId}\"", nameof(agent));

    public static ThreadInfo Normalize(ThreadInfo thread) => thread with { LastMessageAt = thread.LastMessageAt.ToUniversalTime() };

    public static DirectConversation Normalize(DirectConversation dm) => dm with
    {
        ParticipantIds = SortedSet(dm.ParticipantIds),
        LastMessageAt = dm.LastMessageAt.ToUniversalTime(),
    };

    public static Message Normalize(Message message) => message with { CreatedAt = message.CreatedAt.ToUniversalTime() };

    public static Artifact Normalize(Artifact artifact) => artifact with { CreatedAt = artifact.CreatedAt.ToUniversalTime() };

    /// <summary>Checks a message write and returns the index of its <c>message.created</c> event, whose cursor becomes
    /// the message's position in history.</summary>
    public static int CheckMessageWrite(MessageWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(write.Message);
        ArgumentNullException.ThrowIfNull(write.Events);
        if (write.Thread is { } t) CheckExpected(t.Version);
        if (write.Dm is { } d) CheckExpected(d.Version);
        CheckOutbox(write.Outbox);
        for (var i = write.Events.Count - 1; i >= 0; i--)
        {
            if (write.Events[i].Type == EventTypes.MessageCreated) return i;
        }
        throw new ArgumentException("a message write must carry its message.created event", nameof(write));
    }

    public static void CheckPairingState(PairingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(state.PairingId);
        ArgumentException.ThrowIfNullOrEmpty(state.Status);
    }

    public static void CheckOutbox(IReadOnlyList<OutboxEntry> outbox)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        foreach (var entry in outbox)
        {
            ArgumentNullException.ThrowIfNull(entry);
            ArgumentException.ThrowIfNullOrEmpty(entry.PairingId);
            ArgumentException.ThrowIfNullOrEmpty(entry.BodyJson);
        }
    }

    public static void CheckEvents(IReadOnlyList<Event> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e);
            if (!seen.Add(e.Id)) throw new ArgumentException($"event id \"{e.Id}\" appears twice", nameof(events));
        }
    }

    public static InvalidOperationException DuplicateEvent(string id) => new($"event id \"{id}\" is already in the log");

    /// <summary>Whether an event describes a room, one of its threads, or a message in either (purged with the room).</summary>
    public static bool ConcernsRoom(Event e, string roomId) =>
        e.Room?.Id == roomId || e.Thread?.RoomId == roomId
        || (e.Message is { Target: { Kind: TargetKind.Room or TargetKind.Thread } t } && t.RoomId == roomId);
}
