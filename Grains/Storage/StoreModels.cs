using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

/// <summary>A value with the version it was stored under (1 after the first write).</summary>
public sealed record Versioned<T>(T Value, long Version);

/// <summary>Thrown when a conditional write finds another version than expected, or a create finds a row.</summary>
public sealed class StaleStateException(string message) : Exception(message);

/// <summary>A room with its soft-removal time. <see cref="Room.Access"/> is never stored.</summary>
public sealed record RoomState(Room Room, DateTimeOffset? DeletedAt = null)
{
    public bool Removed => DeletedAt is not null;
}

/// <summary>An event with its position in the durable log, and its JSON as the log holds it (<see cref="MoltnetJson"/>,
/// compact) when the store has it at hand: delivery then sends those bytes instead of serialising the event again. Read
/// back from the log, the event is decoded on first use (<see cref="LoggedEvent"/>).</summary>
public sealed record StoredEvent(long Cursor, LoggedEvent Logged)
{
    public StoredEvent(long cursor, Event e, string? json = null) : this(cursor, new LoggedEvent(e, json)) { }

    /// <summary>A log row: decoded when someone reads <see cref="Event"/>.</summary>
    public StoredEvent(long cursor, string id, string type, byte[] utf8Json) : this(cursor, new LoggedEvent(id, type, utf8Json)) { }

    public Event Event => Logged.Event;
}

/// <summary>Everything one accepted message writes, in one transaction.</summary>
public sealed record MessageWrite
{
    public required Message Message { get; init; }
    public IReadOnlyList<Artifact> Artifacts { get; init; } = [];
    /// <summary>The thread after this message, with the version it must currently have (0 = new).</summary>
    public Versioned<ThreadInfo>? Thread { get; init; }
    /// <summary>The DM after this message (participants included), with its expected current version (0 = new).</summary>
    public Versioned<DirectConversation>? Dm { get; init; }
    /// <summary>Events in publication order (thread.created / dm.created before message.created).</summary>
    public required IReadOnlyList<Event> Events { get; init; }
    /// <summary>Relays to queue with the message (nothing is queued for a duplicate).</summary>
    public IReadOnlyList<OutboxEntry> Outbox { get; init; } = [];
    /// <summary>True when the server generated the message id just now: it cannot be stored yet, so the store skips its
    /// duplicate check (the unique index still guards).</summary>
    public bool NewId { get; init; }
}

public enum AppendOutcome
{
    Stored,
    Duplicate,
}

/// <summary>Which history a query reads.</summary>
public sealed record MessageScope(string Kind, string Id)
{
    public static MessageScope Room(string id) => new(TargetKind.Room, id);
    public static MessageScope Thread(string id) => new(TargetKind.Thread, id);
    public static MessageScope Dm(string id) => new(TargetKind.Dm, id);
}

/// <summary>A validated page request: at most one of <see cref="Before"/> and <see cref="After"/>.</summary>
public sealed record PageRequest(int Limit = 100, string? Before = null, string? After = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
}

/// <summary>A page of items with the spec's page info.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, PageInfo Info);
