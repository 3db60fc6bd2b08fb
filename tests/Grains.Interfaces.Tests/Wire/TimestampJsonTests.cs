using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>Spec §0: RFC 3339 in UTC <c>Z</c>, trailing fractional zeros trimmed, zero time <c>0001-01-01T00:00:00Z</c>.</summary>
public sealed class TimestampJsonTests
{
    public static TheoryData<string, string> Written => new()
    {
        { "2024-01-02T03:04:05Z", "0" },
        { "2024-01-02T03:04:05.5Z", "5000000" },
        { "2024-01-02T03:04:05.1Z", "1000000" },
        { "2024-01-02T03:04:05.12Z", "1200000" },
        { "2024-01-02T03:04:05.1234567Z", "1234567" },
        { "2024-01-02T03:04:05.0000001Z", "1" },
        { "2024-01-02T03:04:05.05Z", "500000" },
    };

    [Theory]
    [MemberData(nameof(Written))]
    public void Fractions_are_trimmed(string expected, string ticks)
    {
        var value = Times.Whole.AddTicks(long.Parse(ticks, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, Rfc3339Converter.Format(value));
        Assert.Equal(value, Golden.Reads<ThreadInfo>(Thread(expected)).LastMessageAt);
    }

    [Fact]
    public void Zero_time()
    {
        Assert.Equal("0001-01-01T00:00:00Z", Rfc3339Converter.Format(default));
        var read = Golden.Reads<ThreadInfo>(Thread("0001-01-01T00:00:00Z")).LastMessageAt;
        Assert.Equal(DateTimeOffset.MinValue, read);
    }

    [Fact]
    public void Offsets_are_written_as_utc()
    {
        var plusTwo = new DateTimeOffset(2024, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)).AddMilliseconds(500);
        Assert.Equal("2024-01-02T03:04:05.5Z", Rfc3339Converter.Format(plusTwo));
        var minusFive = new DateTimeOffset(2024, 1, 1, 22, 4, 5, TimeSpan.FromHours(-5));
        Assert.Equal("2024-01-02T03:04:05Z", Rfc3339Converter.Format(minusFive));
    }

    [Theory]
    [InlineData("2024-01-02T05:04:05+02:00", "2024-01-02T03:04:05Z")]
    [InlineData("2024-01-01T22:04:05.5-05:00", "2024-01-02T03:04:05.5Z")]
    [InlineData("2024-01-02T03:04:05+00:00", "2024-01-02T03:04:05Z")]
    [InlineData("2024-01-02T03:04:05.1234567Z", "2024-01-02T03:04:05.1234567Z")]
    [InlineData("2024-01-02T03:04:05.500Z", "2024-01-02T03:04:05.5Z")]
    public void Offsets_are_normalised_to_utc_on_read(string wire, string normalised)
    {
        var read = Golden.Reads<ThreadInfo>(Thread(wire));
        Assert.Equal(TimeSpan.Zero, read.LastMessageAt.Offset);
        Assert.Equal(Thread(normalised), MoltnetJson.Serialize(read));
    }

    [Fact]
    public void Go_nanoseconds_read_to_tick_precision()
    {
        var read = Golden.Reads<ThreadInfo>(Thread("2024-01-02T03:04:05.123456789Z")).LastMessageAt;
        Assert.Equal(TimeSpan.Zero, read.Offset);
        Assert.InRange(read, Times.Ticks, Times.Ticks.AddTicks(1));
    }

    private static string Thread(string lastMessageAt) =>
        $$"""{"id":"t1","network_id":"local","fqid":"molt://local/threads/t1","room_id":"general","message_count":0,"last_message_at":"{{lastMessageAt}}"}""";
}
