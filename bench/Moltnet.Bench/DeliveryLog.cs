namespace Moltnet.Bench;

/// <summary>What one observer received: the receive timestamp (<see cref="System.Diagnostics.Stopwatch"/> ticks) of each
/// message sequence number, in chunks that grow on demand. One writer (the observer's pump); read after it stops, except
/// <see cref="Count"/>, which may be polled at any time.</summary>
internal sealed class DeliveryLog
{
    private const int ChunkBits = 14;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly long _first;
    private long[]?[] _chunks = new long[]?[16];
    private long _count;

    /// <param name="first">The lowest sequence number this log keeps; older ones (a previous step's stragglers) are ignored.</param>
    public DeliveryLog(long first = 0) => _first = first;

    /// <summary>Distinct sequence numbers received.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Sequence numbers received more than once (must stay 0).</summary>
    public long Duplicates { get; private set; }

    public void Record(long seq, long timestamp)
    {
        seq -= _first;
        if (seq < 0) return;
        var index = (int)(seq >> ChunkBits);
        if (index >= _chunks.Length) Array.Resize(ref _chunks, Math.Max(index + 1, _chunks.Length * 2));
        var chunk = _chunks[index] ??= new long[ChunkSize];
        ref var slot = ref chunk[seq & (ChunkSize - 1)];
        if (slot != 0)
        {
            Duplicates++;
            return;
        }
        slot = Math.Max(timestamp, 1);
        Interlocked.Increment(ref _count);
    }

    /// <summary>The receive timestamp of <paramref name="seq"/>, or 0 when it never arrived.</summary>
    public long ReceivedAt(long seq)
    {
        seq -= _first;
        var index = (int)(seq >> ChunkBits);
        var chunks = _chunks;
        if (seq < 0 || index >= chunks.Length || chunks[index] is not { } chunk) return 0;
        return chunk[seq & (ChunkSize - 1)];
    }
}
