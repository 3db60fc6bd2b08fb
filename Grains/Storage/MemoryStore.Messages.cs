using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

public sealed partial class MemoryStore
{
    private readonly Dictionary<string, Versioned<ThreadInfo>> _threads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Versioned<DirectConversation>> _dms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MessageEntry> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Kind, string Id), List<IHistoryEntry<Message>>> _histories = [];
    private readonly Dictionary<string, ArtifactEntry> _artifacts = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Kind, string Id), List<IHistoryEntry<Artifact>>> _artifactScopes = [];

    public Task<AppendOutcome> AppendMessageAsync(MessageWrite write, CancellationToken ct) => Write(() =>
    {
        var createdIndex = StoreRules.CheckMessageWrite(write);
        StoreRules.CheckEvents(write.Events);
        var message = StoreRules.Normalize(write.Message);
        if (_messages.ContainsKey(message.Id)) return AppendOutcome.Duplicate;
        if (write.Thread is { } tw) CheckVersion("thread", tw.Value.Id, _threads.GetValueOrDefault(tw.Value.Id)?.Version ?? 0, tw.Version);
        if (write.Dm is { } dw) CheckVersion("dm", dw.Value.Id, _dms.GetValueOrDefault(dw.Value.Id)?.Version ?? 0, dw.Version);
        CheckNewEvents(write.Events);
        foreach (var a in write.Artifacts)
        {
            if (_artifacts.ContainsKey(a.Id)) throw new InvalidOperationException($"artifact id \"{a.Id}\" already exists");
        }

        if (write.Thread is { } t) _threads[t.Value.Id] = new(StoreRules.Normalize(t.Value), t.Version + 1);
        if (write.Dm is { } d) _dms[d.Value.Id] = new(StoreRules.Normalize(d.Value), d.Version + 1);
        var seq = _lastCursor + createdIndex + 1; // the cursor its message.created event gets below
        var entry = new MessageEntry(message, seq);
        _messages[message.Id] = entry;
        if (HistoryKey(message.Target) is { } key) Append(_histories, key, entry);
        foreach (var artifact in write.Artifacts)
        {
            var a = new ArtifactEntry(StoreRules.Normalize(artifact), seq);
            _artifacts[a.Id] = a;
            if (artifact.Target.RoomId is { } room) Append(_artifactScopes, (TargetKind.Room, room), a);
            if (artifact.Target.ThreadId is { } th) Append(_artifactScopes, (TargetKind.Thread, th), a);
            if (artifact.Target.DmId is { } dm) Append(_artifactScopes, (TargetKind.Dm, dm), a);
        }
        AddOutbox(write, message, seq);
        CommitEvents(write.Events);
        return AppendOutcome.Stored;
    }, ct);

    public Task<bool> MessageExistsAsync(string messageId, CancellationToken ct) => Locked(() => _messages.ContainsKey(messageId), ct);

    public Task<Versioned<ThreadInfo>?> ReadThreadAsync(string id, CancellationToken ct) => Locked(() => _threads.GetValueOrDefault(id), ct);

    public Task<IReadOnlyList<ThreadInfo>> ListThreadsAsync(string roomId, CancellationToken ct) => Locked<IReadOnlyList<ThreadInfo>>(() =>
        [.. _threads.Values.Select(t => t.Value).Where(t => t.RoomId == roomId).OrderBy(t => t.Id, StringComparer.Ordinal)], ct);

    public Task<Versioned<DirectConversation>?> ReadDmAsync(string id, CancellationToken ct) => Locked(() => _dms.GetValueOrDefault(id), ct);

    public Task<IReadOnlyList<DirectConversation>> ListDmsAsync(CancellationToken ct) => Locked<IReadOnlyList<DirectConversation>>(() =>
        [.. _dms.Values.Select(d => d.Value).OrderBy(d => d.Id, StringComparer.Ordinal)], ct);

    public Task<Page<Message>> ListMessagesAsync(MessageScope scope, PageRequest page, CancellationToken ct) => Locked(() =>
    {
        StoreRules.CheckScope(scope);
        var limit = StoreRules.Limit(page);
        (long, int)? before = page.Before is { } b ? MessageKey(b) : null;
        (long, int)? after = page.After is { } a ? MessageKey(a) : null;
        var items = _histories.GetValueOrDefault((scope.Kind, scope.Id)) ?? [];
        return HistoryPager.Page(items, before, after, limit);
    }, ct);

    public Task<Page<Artifact>> ListArtifactsAsync(MessageScope scope, PageRequest page, CancellationToken ct) => Locked(() =>
    {
        StoreRules.CheckScope(scope);
        var limit = StoreRules.Limit(page);
        (long, int)? before = page.Before is { } b ? ArtifactKey(b) : null;
        (long, int)? after = page.After is { } a ? ArtifactKey(a) : null;
        var items = _artifactScopes.GetValueOrDefault((scope.Kind, scope.Id)) ?? [];
        return HistoryPager.Page(items, before, after, limit);
    }, ct);

    /// <summary>The history a message belongs to: room messages by room, replies by thread, DMs by conversation.</summary>
    private static (string, string)? HistoryKey(Target target) => target.Kind switch
    {
        TargetKind.Room when target.RoomId is { } r => (TargetKind.Room, r),
        TargetKind.Thread when target.ThreadId is { } t => (TargetKind.Thread, t),
        TargetKind.Dm when target.DmId is { } d => (TargetKind.Dm, d),
        _ => null,
    };

    private (long, int) MessageKey(string cursor) =>
        _messages.TryGetValue(cursor, out var m) ? m.Key : throw StoreRules.InvalidCursor(cursor);

    private (long, int) ArtifactKey(string cursor) =>
        _artifacts.TryGetValue(cursor, out var a) ? a.Key : throw StoreRules.InvalidCursor(cursor);

    private static void Append<T>(Dictionary<(string, string), List<IHistoryEntry<T>>> index, (string, string) key, IHistoryEntry<T> entry)
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        list.Add(entry);
    }

    private sealed record MessageEntry(Message Value, long Seq) : IHistoryEntry<Message>
    {
        public (long Seq, int Part) Key => (Seq, 0);
        public string Id => Value.Id;
    }

    private sealed record ArtifactEntry(Artifact Value, long Seq) : IHistoryEntry<Artifact>
    {
        public (long Seq, int Part) Key => (Seq, Value.PartIndex);
        public string Id => Value.Id;
    }
}
