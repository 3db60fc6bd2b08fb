using Moltnet.Silo.Configuration;

namespace Moltnet.Silo.Tests.Configuration;

public sealed class ConfigValuesTests
{
    [Theory]
    [InlineData(":8787", "", 8787)]
    [InlineData("127.0.0.1:8787", "127.0.0.1", 8787)]
    [InlineData("[::1]:8787", "::1", 8787)]
    [InlineData("0.0.0.0:80", "0.0.0.0", 80)]
    [InlineData("example.com:443", "example.com", 443)]
    public void Listen_addresses_split_into_host_and_port(string value, string host, int port)
    {
        Assert.True(ConfigValues.TryParseListenAddr(value, out var h, out var p));
        Assert.Equal((host, port), (h, p));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("168h", 168 * 3600)]
    [InlineData("30m", 1800)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    public void Durations_parse(string value, int seconds)
    {
        Assert.True(ConfigValues.TryParseDuration(value, out var d));
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Fact]
    public void Milliseconds_parse() =>
        Assert.True(ConfigValues.TryParseDuration("250ms", out var d) && d == TimeSpan.FromMilliseconds(250));

    [Theory]
    [InlineData("")]
    [InlineData("-1h")]
    [InlineData("1")]
    [InlineData("1w")]
    [InlineData("h")]
    [InlineData("1h ")]
    [InlineData("99999999999999999999d")]
    public void Bad_durations_are_rejected(string value) =>
        Assert.False(ConfigValues.TryParseDuration(value, out _));
}
