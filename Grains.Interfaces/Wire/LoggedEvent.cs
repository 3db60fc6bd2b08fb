namespace Moltnet.Wire;

/// <summary>
/// An event as the feed carries it: its id and type always, its compact JSON (<see cref="MoltnetJson"/>) when known (the
/// text a local commit stored, or the UTF-8 bytes a log row holds), and the decoded <see cref="Wire.Event"/>. An event
/// read back from the log (another replica's commit, a catch-up) is decoded only when a consumer looks inside it: a
/// stream that shows everything sends the stored bytes as they are. The decoded event is one instance however many
/// streams ask (delivery caches and traces key on it).
/// </summary>
public sealed class LoggedEvent
{
    private Event? _event;
    private string? _json;
    private readonly byte[]? _utf8;
    private Encoding? _encodings;

    /// <summary>An event at hand (a local commit, a replay gap), with its stored JSON when known.</summary>
    public LoggedEvent(Event e, string? json = null)
    {
        _event = e;
        Id = e.Id;
        Type = e.Type;
        _json = json;
    }

    /// <summary>An event as a log row holds it, its JSON as UTF-8 bytes (sent as they are, decoded on first use).</summary>
    public LoggedEvent(string id, string type, byte[] utf8Json)
    {
        Id = id;
        Type = type;
        _utf8 = utf8Json;
    }

    public string Id { get; }

    public string Type { get; }

    /// <summary>The JSON as the log stores it (same text as serialising <see cref="Event"/>), when known.</summary>
    public string? Json => _json ?? (_utf8 is null ? null : _json = System.Text.Encoding.UTF8.GetString(_utf8));

    /// <summary>The stored JSON as UTF-8 bytes when the log row gave bytes (null otherwise: see <see cref="Json"/>).</summary>
    public ReadOnlySpan<byte> Utf8Json => _utf8;

    /// <summary>True when <see cref="Utf8Json"/> holds the stored JSON.</summary>
    public bool HasUtf8Json => _utf8 is not null;

    /// <summary>True once <see cref="Event"/> has been decoded (or was given).</summary>
    public bool IsDecoded => Volatile.Read(ref _event) is not null;

    /// <summary>The decoded event; decoded once, the first caller's instance kept.</summary>
    public Event Event => Volatile.Read(ref _event) ?? Decode();

    /// <summary>Bytes derived from this event by <paramref name="encode"/> (a delivery frame), built by the first delivery
    /// that needs them and shared by every later one. <paramref name="encode"/> is the cache key: pass a static delegate.</summary>
    public byte[] Encoded(Func<LoggedEvent, byte[]> encode)
    {
        var head = Volatile.Read(ref _encodings);
        for (var e = head; e is not null; e = e.Next)
            if (ReferenceEquals(e.Key, encode)) return e.Bytes;
        var bytes = encode(this);
        while (true)
        {
            var added = new Encoding(encode, bytes, head);
            var was = Interlocked.CompareExchange(ref _encodings, added, head);
            if (was == head) return bytes;
            head = was;
            for (var e = head; e is not null; e = e.Next)
                if (ReferenceEquals(e.Key, encode)) return e.Bytes; // another delivery built it meanwhile
        }
    }

    private Event Decode()
    {
        // Only a log row's event is decoded: every other one was given.
        var decoded = MoltnetJson.Deserialize<Event>(_utf8)
            ?? throw new InvalidOperationException($"event {Id}: the log holds null");
        return Interlocked.CompareExchange(ref _event, decoded, null) ?? decoded;
    }

    private sealed record Encoding(object Key, byte[] Bytes, Encoding? Next);
}
