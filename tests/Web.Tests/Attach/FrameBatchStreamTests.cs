using System.Text;
using Moltnet.Web.Attach;

namespace Moltnet.Web.Tests.Attach;

/// <summary>The batching under attachment sockets: held frames leave in one write, in order, and nothing is left behind.</summary>
public sealed class FrameBatchStreamTests
{
    /// <summary>Records every write to the connection as one chunk.</summary>
    private sealed class Recorder : MemoryStream
    {
        public List<string> Writes { get; } = [];
        public TaskCompletionSource<int> PendingRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (Writes) Writes.Add(Encoding.ASCII.GetString(buffer.Span));
            return ValueTask.CompletedTask;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            await PendingRead.Task.WaitAsync(cancellationToken);
    }

    private static ValueTask Write(Stream s, string text) => s.WriteAsync(Encoding.ASCII.GetBytes(text));

    [Fact]
    public async Task Writes_go_through_one_by_one_unless_held()
    {
        var inner = new Recorder();
        var batch = new FrameBatchStream(inner);
        await Write(batch, "a");
        await Write(batch, "b");
        Assert.Equal(["a", "b"], inner.Writes);
    }

    [Fact]
    public async Task Held_frames_leave_in_one_write_on_release()
    {
        var inner = new Recorder();
        var batch = new FrameBatchStream(inner);
        batch.Hold();
        await Write(batch, "1");
        await Write(batch, "2");
        await Write(batch, "3");
        await batch.FlushAsync(); // a flush while holding waits for the release
        Assert.Empty(inner.Writes);
        await batch.ReleaseAsync(CancellationToken.None);
        Assert.Equal(["123"], inner.Writes);
        await Write(batch, "4"); // released: writes go through again
        Assert.Equal(["123", "4"], inner.Writes);
    }

    [Fact]
    public async Task A_write_through_takes_what_is_held_first()
    {
        var inner = new Recorder();
        var batch = new FrameBatchStream(inner);
        batch.Hold();
        await Write(batch, "e1");
        await Write(batch, "e2");
        batch.StopHolding();
        await Write(batch, "ping");
        Assert.Equal(["e1e2", "ping"], inner.Writes);
    }

    [Fact]
    public async Task Holding_is_bounded()
    {
        var inner = new Recorder();
        var batch = new FrameBatchStream(inner);
        batch.Hold();
        var big = new string('x', FrameBatchStream.MaxHeldBytes / 2);
        await Write(batch, big);
        await Write(batch, big);
        Assert.Empty(inner.Writes);
        await Write(batch, "y"); // over the bound: the held bytes and this write go out now
        Assert.Equal([big + big, "y"], inner.Writes);
    }

    [Fact]
    public async Task Concurrent_writes_while_holding_are_neither_lost_nor_reordered()
    {
        var inner = new Recorder();
        var batch = new FrameBatchStream(inner);
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                if (i % 7 == 0) batch.Hold();
                await Write(batch, $"<{w}:{i}>");
                if (i % 11 == 0) await batch.ReleaseAsync(CancellationToken.None);
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await batch.ReleaseAsync(CancellationToken.None);
        var all = string.Concat(inner.Writes);
        for (var w = 0; w < 4; w++)
        {
            var at = -1;
            for (var i = 0; i < 500; i++)
            {
                var next = all.IndexOf($"<{w}:{i}>", StringComparison.Ordinal);
                Assert.True(next > at, $"writer {w} frame {i} missing or out of order");
                at = next;
            }
        }
    }

    [Fact]
    public async Task Disposing_ends_a_pending_read()
    {
        var inner = new Recorder();
        var batch = new FrameBatchStream(inner);
        var read = batch.ReadAsync(new byte[16]).AsTask();
        Assert.False(read.IsCompleted);
        batch.Dispose();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
