namespace Moltnet.NodeClient.Daemon;

/// <summary>
/// The durable resume point of one attachment (improvements node 1): <c>cursors/&lt;agent&gt;.json</c>. Events are
/// tracked in arrival order; the stored cursor only advances over a prefix the runtime has finished with, so a node
/// stopped while a wake was queued or running gets it again after a restart.
/// </summary>
public sealed class CursorStore
{
    private readonly Lock _lock = new();
    private readonly string? _path;
    private readonly string _networkId;
    private readonly string _agentId;
    private readonly TimeProvider _time;
    private readonly LinkedList<Entry> _inFlight = new();
    private string? _stored;

    public sealed class Entry(string cursor)
    {
        public string Cursor { get; } = cursor;
        public bool Done { get; set; }
    }

    public CursorStore(string? stateDirectory, string networkId, string agentId, TimeProvider time)
    {
        _path = stateDirectory is null ? null : Path.Combine(stateDirectory, "cursors", agentId + ".json");
        _networkId = networkId;
        _agentId = agentId;
        _time = time;
        _stored = Load();
    }

    /// <summary>The durable cursor (resume point after a restart), or null.</summary>
    public string? Stored
    {
        get
        {
            lock (_lock) return _stored;
        }
    }

    /// <summary>Notes an event as received; <see cref="Finish"/> it when the runtime is done with it.</summary>
    public Entry Begin(string cursor)
    {
        var entry = new Entry(cursor);
        lock (_lock) _inFlight.AddLast(entry);
        return entry;
    }

    /// <summary>Marks the entry done and stores the newest cursor of the finished prefix.</summary>
    public void Finish(Entry entry)
    {
        string? advance = null;
        lock (_lock)
        {
            entry.Done = true;
            while (_inFlight.First is { Value.Done: true } first)
            {
                advance = first.Value.Cursor;
                _inFlight.RemoveFirst();
            }
            if (advance is null) return;
            _stored = advance;
            Save(advance);
        }
    }

    private string? Load()
    {
        if (_path is null || StateFiles.ReadOrNull(_path) is not { } text) return null;
        try
        {
            var file = NodeJsonContext.Deserialize<CursorFile>(text);
            return file is not null && file.NetworkId == _networkId && file.AgentId == _agentId && file.Cursor.Length > 0 ? file.Cursor : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private void Save(string cursor)
    {
        if (_path is null) return;
        StateFiles.WritePrivate(_path, NodeJsonContext.Serialize(new CursorFile(CursorFile.CurrentVersion, _networkId, _agentId, cursor, _time.GetUtcNow())));
    }
}
