using Moltnet.Wire;

namespace Moltnet.Grains.Tests.Events;

public sealed class LoggedEventTests
{
    private static readonly Event Sample = new()
    {
        Id = "evt_1",
        Type = EventTypes.RoomCreated,
        NetworkId = "local",
        Room = new Room { Id = "r1", NetworkId = "local", Fqid = "molt://local/rooms/r1", Name = "R1", CreatedAt = DateTimeOffset.UnixEpoch },
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public async Task A_log_row_is_decoded_once_on_first_use_and_every_reader_gets_that_instance()
    {
        var logged = new LoggedEvent(Sample.Id, Sample.Type, MoltnetJson.SerializeToUtf8(Sample));
        Assert.False(logged.IsDecoded);
        Assert.Equal((Sample.Id, Sample.Type), (logged.Id, logged.Type));

        using var start = new Barrier(8);
        var seen = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return logged.Event;
        })));

        Assert.True(logged.IsDecoded);
        Assert.Equal(Sample, seen[0]);
        Assert.All(seen, e => Assert.Same(seen[0], e));
    }

    [Fact]
    public void An_event_at_hand_is_kept_as_given()
    {
        var logged = new LoggedEvent(Sample);
        Assert.True(logged.IsDecoded);
        Assert.Same(Sample, logged.Event);
        Assert.Null(logged.Json);
    }

    [Fact]
    public void Encodings_are_built_once_per_encoder_and_kept_apart()
    {
        var logged = new LoggedEvent(Sample.Id, Sample.Type, MoltnetJson.SerializeToUtf8(Sample));
        var calls = 0;
        Func<LoggedEvent, byte[]> sse = e => { calls++; return [1, (byte)e.Id.Length]; };
        Func<LoggedEvent, byte[]> attach = _ => { calls++; return [2]; };

        var first = logged.Encoded(sse);
        Assert.Same(first, logged.Encoded(sse));
        Assert.Equal([2], logged.Encoded(attach));
        Assert.Same(first, logged.Encoded(sse));
        Assert.Equal(2, calls);
        Assert.False(logged.IsDecoded); // an encoder that needs only the id, type and JSON decodes nothing
    }
}
