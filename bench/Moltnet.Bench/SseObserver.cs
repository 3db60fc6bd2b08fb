using System.Buffers.Text;
using System.Diagnostics;
using System.Text;

namespace Moltnet.Bench;

/// <summary>One SSE observer on <c>GET /v1/events/stream</c>. It parses frames straight from the socket's bytes (no
/// per-event strings), and for every <c>message.created</c> whose message id carries this run's prefix it records the
/// sequence number and the time the bytes were read.</summary>
internal sealed class SseObserver : IAsyncDisposable
{
    private static readonly byte[] MessageCreated = "event: message.created"u8.ToArray();
    private static readonly byte[] EventField = "event: "u8.ToArray();
    private static readonly byte[] DataField = "data: "u8.ToArray();
    private static readonly byte[] Lagging = ": lagging"u8.ToArray();
    private static readonly byte[] IdField = "id: "u8.ToArray();
    private static readonly byte[] ReplayGap = "event: stream.replay_gap"u8.ToArray();

    private readonly HttpResponseMessage _response;
    private readonly Stream _stream;
    private readonly byte[] _needle;
    private readonly CancellationTokenSource _cts = new();
    private Task _pump = Task.CompletedTask;
    private byte[] _buffer = new byte[8 * 1024];
    private int _start;
    private int _end;
    private bool _inMessageCreated;

    private SseObserver(HttpResponseMessage response, Stream stream, string idPrefix)
    {
        _response = response;
        _stream = stream;
        _needle = Encoding.UTF8.GetBytes($"\"id\":\"{idPrefix}");
    }

    /// <summary>Where receipts go; a stepped scenario swaps in a fresh log per step (the pump picks it up on its next event).</summary>
    public DeliveryLog Log { get => Volatile.Read(ref _log); set => Volatile.Write(ref _log, value); }

    private DeliveryLog _log = new();

    /// <summary>The <c>id:</c> of the last complete frame read (a frame cut off by a drop does not count), for a resume with <c>Last-Event-ID</c>.</summary>
    public string? LastEventId => _lastIdLength == 0 ? null : Encoding.ASCII.GetString(_lastId, 0, _lastIdLength);

    private readonly byte[] _lastId = new byte[128];
    private readonly byte[] _pendingId = new byte[128];
    private int _lastIdLength;
    private int _pendingIdLength;
    private long _pendingSeq = -1;

    /// <summary>Times the server said this observer fell behind and is being caught up from the event log.</summary>
    public int LagNotices { get; private set; }

    /// <summary><c>stream.replay_gap</c> events: a resume asked for an event the server no longer had.</summary>
    public int ReplayGaps { get; private set; }

    /// <summary><c>message.created</c> events that were not this run's (another client's, or an earlier run's).</summary>
    public long OtherMessages { get; private set; }

    /// <summary>Set when the stream ended or failed before the bench closed it.</summary>
    public string? ClosedEarly { get; private set; }

    /// <summary>Opens the stream; returns once the response headers arrived, i.e. once the server holds the subscription.</summary>
    /// <param name="lastEventId">Resume after this event (<c>Last-Event-ID</c>), as a client reconnecting would.</param>
    /// <param name="log">Receipts so far (a resumed observer keeps its log), else a fresh one.</param>
    public static async Task<SseObserver> ConnectAsync(HttpClient http, string idPrefix, CancellationToken ct, string? lastEventId = null, DeliveryLog? log = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/events/stream", UriKind.Relative));
        if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new InvalidOperationException($"GET /v1/events/stream answered {status} (stream caps too low?)");
        }
        var stream = await response.Content.ReadAsStreamAsync(ct);
        var observer = new SseObserver(response, stream, idPrefix);
        if (log is not null) observer.Log = log;
        observer._pump = Task.Run(() => observer.PumpAsync(observer._cts.Token), CancellationToken.None);
        return observer;
    }

    private async Task PumpAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                MakeRoom();
                var n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct);
                if (n == 0)
                {
                    ClosedEarly = "server closed the stream";
                    return;
                }
                _end += n;
                ProcessLines(Stopwatch.GetTimestamp());
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException)
        {
            if (!ct.IsCancellationRequested) ClosedEarly = e.Message;
        }
    }

    private void MakeRoom()
    {
        if (_start == _end) _start = _end = 0;
        if (_buffer.Length - _end >= 4096) return;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_buffer.Length - _end < 4096) Array.Resize(ref _buffer, _buffer.Length * 2);
    }

    private void ProcessLines(long now)
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var newline = pending.IndexOf((byte)'\n');
            if (newline < 0) return;
            HandleLine(pending[..newline], now);
            _start += newline + 1;
        }
    }

    private void HandleLine(ReadOnlySpan<byte> line, long now)
    {
        if (line.IsEmpty)
        {
            _inMessageCreated = false; // end of frame
            if (_pendingSeq >= 0)
            {
                Log.Record(_pendingSeq, now);
                _pendingSeq = -1;
            }
            if (_pendingIdLength > 0)
            {
                _pendingId.AsSpan(0, _pendingIdLength).CopyTo(_lastId);
                _lastIdLength = _pendingIdLength;
                _pendingIdLength = 0;
            }
        }
        else if (line.StartsWith(IdField))
        {
            var id = line[IdField.Length..];
            if (id.Length <= _pendingId.Length)
            {
                id.CopyTo(_pendingId);
                _pendingIdLength = id.Length;
            }
        }
        else if (line.StartsWith(EventField))
        {
            _inMessageCreated = line.SequenceEqual(MessageCreated);
            if (line.SequenceEqual(ReplayGap)) ReplayGaps++;
        }
        else if (line.StartsWith(DataField))
        {
            if (!_inMessageCreated) return;
            var at = line.IndexOf(_needle);
            if (at < 0 || !Utf8Parser.TryParse(line[(at + _needle.Length)..], out long seq, out _))
            {
                OtherMessages++;
                return;
            }
            _pendingSeq = seq; // dispatched at the frame's end, as EventSource does
        }
        else if (line.StartsWith(Lagging))
        {
            LagNotices++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _response.Dispose();
        try { await _pump; } catch (OperationCanceledException) { }
        _cts.Dispose();
    }
}
