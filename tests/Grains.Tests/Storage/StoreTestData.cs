using System.Text.Json.Nodes;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Tests.Storage;

/// <summary>Builders for store tests: wire records the way the grains make them.</summary>
internal static class StoreTestData
{
    public const string Net = "local";

    /// <summary>A time with a non-zero sub-second part that is not a whole number of milliseconds.</summary>
    public static readonly DateTimeOffset T0 = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1_234_567);

    public static Room Room(string id, params string[] members) => new()
    {
        Id = id,
        NetworkId = Net,
        Fqid = Ids.Fqid(Net, "rooms", id),
        Name = id,
        Members = members,
        CreatedAt = T0,
    };

    public static AgentRegistration Agent(string id, string credentialKey) => new()
    {
        NetworkId = Net,
        AgentId = id,
        ActorUid = "actor_" + id,
        ActorUri = Ids.Fqid(Net, "agents", id),
        DisplayName = id.ToUpperInvariant(),
        AgentToken = "magt_v1_secret",
        CredentialKey = credentialKey,
        CreatedAt = T0,
        UpdatedAt = T0.AddSeconds(1),
    };

    public static Event Event(string type, DateTimeOffset? at = null, string? id = null) => new()
    {
        Id = id ?? Ids.NewEventId(),
        Type = type,
        NetworkId = Net,
        CreatedAt = at ?? T0,
    };

    public static Target RoomTarget(string room) => new() { Kind = TargetKind.Room, RoomId = room };

    public static Target ThreadTarget(string room, string thread, string? parent = null) =>
        new() { Kind = TargetKind.Thread, RoomId = room, ThreadId = thread, ParentMessageId = parent };

    public static Target DmTarget(string dm, params string[] participants) =>
        new() { Kind = TargetKind.Dm, DmId = dm, ParticipantIds = participants };

    public static Message Message(string id, Target target, DateTimeOffset? at = null, string from = "alpha") => new()
    {
        Id = id,
        NetworkId = Net,
        Origin = new Origin(Net, id),
        Target = target,
        From = new Actor { Type = "agent", Id = from, Name = from.ToUpperInvariant() },
        Parts = [new Part { Kind = "text", Text = $"hello from {id}" }, new Part { Kind = "data", Data = new JsonObject { ["n"] = 1 } }],
        Mentions = ["molt://local/agents/beta"],
        CreatedAt = at ?? T0,
    };

    /// <summary>One artifact per index, like the grain extracts them from non-text parts.</summary>
    public static Artifact[] Artifacts(Message message, params int[] partIndexes) =>
    [
        .. partIndexes.Select(i => new Artifact
        {
            Id = $"art_{message.Id}_{i}",
            NetworkId = Net,
            Fqid = Ids.Fqid(Net, "artifacts", $"art_{message.Id}_{i}"),
            MessageId = message.Id,
            Target = message.Target,
            PartIndex = i,
            Kind = "file",
            MediaType = "text/plain",
            Filename = $"f{i}.txt",
            Url = $"https://example.com/{message.Id}/{i}",
            CreatedAt = message.CreatedAt,
        }),
    ];

    /// <summary>The write a grain makes: thread/DM after the message with their expected versions, created events first.</summary>
    public static MessageWrite Write(Message message, Versioned<ThreadInfo>? thread = null, Versioned<DirectConversation>? dm = null,
        IReadOnlyList<Artifact>? artifacts = null)
    {
        var events = new List<Event>();
        if (thread is { Version: 0 }) events.Add(Event(EventTypes.ThreadCreated, message.CreatedAt) with { Thread = thread.Value });
        if (dm is { Version: 0 }) events.Add(Event(EventTypes.DmCreated, message.CreatedAt) with { Dm = dm.Value });
        events.Add(Event(EventTypes.MessageCreated, message.CreatedAt, Ids.MessageEventId(message.Id)) with { Message = message });
        return new MessageWrite { Message = message, Thread = thread, Dm = dm, Artifacts = artifacts ?? [], Events = events };
    }

    /// <summary>The thread after <paramref name="message"/>, given the current stored one.</summary>
    public static Versioned<ThreadInfo> NextThread(Message message, Versioned<ThreadInfo>? current) => new(new ThreadInfo
    {
        Id = message.Target.ThreadId!,
        NetworkId = Net,
        Fqid = Ids.Fqid(Net, "threads", message.Target.ThreadId!),
        RoomId = message.Target.RoomId!,
        ParentMessageId = current?.Value.ParentMessageId ?? message.Target.ParentMessageId,
        MessageCount = (current?.Value.MessageCount ?? 0) + 1,
        LastMessageAt = message.CreatedAt,
    }, current?.Version ?? 0);

    /// <summary>The DM after <paramref name="message"/>: participants are the union with the sender.</summary>
    public static Versioned<DirectConversation> NextDm(Message message, Versioned<DirectConversation>? current) => new(new DirectConversation
    {
        Id = message.Target.DmId!,
        NetworkId = Net,
        Fqid = Ids.Fqid(Net, "dms", message.Target.DmId!),
        ParticipantIds = [.. (current?.Value.ParticipantIds ?? []).Concat(message.Target.ParticipantIds ?? []).Append(message.From.Id)],
        MessageCount = (current?.Value.MessageCount ?? 0) + 1,
        LastMessageAt = message.CreatedAt,
    }, current?.Version ?? 0);
}

/// <summary>Records every sink call.</summary>
internal sealed class RecordingSink : IEventSink
{
    private readonly Lock _lock = new();
    private readonly List<StoredEvent> _events = [];
    private readonly List<int> _callSizes = [];

    public void OnCommitted(IReadOnlyList<StoredEvent> events)
    {
        lock (_lock)
        {
            _events.AddRange(events);
            _callSizes.Add(events.Count);
        }
    }

    public IReadOnlyList<StoredEvent> Events
    {
        get { lock (_lock) return [.. _events]; }
    }

    public IReadOnlyList<int> CallSizes
    {
        get { lock (_lock) return [.. _callSizes]; }
    }
}
