using Moltnet.Configuration;

namespace Moltnet.Web.Streaming;

/// <summary>Caps concurrent streams in total and per identity (spec §3: 128 and 16 by default).</summary>
public sealed class StreamLimiter(MoltnetConfig config)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perIdentity = new(StringComparer.Ordinal);
    private int _total;

    public int Active
    {
        get { lock (_lock) return _total; }
    }

    /// <summary>A lease to hold while streaming, or null when a cap is reached.</summary>
    public IDisposable? TryAcquire(string identity)
    {
        lock (_lock)
        {
            _perIdentity.TryGetValue(identity, out var mine);
            if (_total >= config.Limits.MaxStreams || mine >= config.Limits.MaxStreamsPerIdentity) return null;
            _total++;
            _perIdentity[identity] = mine + 1;
        }
        return new Lease(this, identity);
    }

    private void Release(string identity)
    {
        lock (_lock)
        {
            _total--;
            if (--_perIdentity[identity] == 0) _perIdentity.Remove(identity);
        }
    }

    private sealed class Lease(StreamLimiter owner, string identity) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(identity);
        }
    }
}
