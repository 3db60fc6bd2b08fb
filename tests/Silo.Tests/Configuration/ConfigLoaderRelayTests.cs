namespace Moltnet.Silo.Tests.Configuration;

public sealed class ConfigLoaderRelayTests
{
    [Fact]
    public void Relay_timings_have_defaults()
    {
        var relay = ConfigKit.Load("network: { id: a }").Relay;
        Assert.Equal(TimeSpan.FromMinutes(5), relay.CheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), relay.ErrorCheckInterval);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)), (relay.BackoffMin, relay.BackoffMax));
        Assert.Equal(TimeSpan.FromSeconds(10), relay.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), relay.PollInterval);
    }

    [Fact]
    public void Relay_timings_are_read_as_durations()
    {
        var relay = ConfigKit.Load("relay: { check_interval: 1m, error_check_interval: 500ms, backoff_min: 200ms, backoff_max: 10s, request_timeout: 3s, poll_interval: 250ms }").Relay;
        Assert.Equal(TimeSpan.FromMinutes(1), relay.CheckInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), relay.ErrorCheckInterval);
        Assert.Equal((TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10)), (relay.BackoffMin, relay.BackoffMax));
        Assert.Equal(TimeSpan.FromSeconds(3), relay.RequestTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(250), relay.PollInterval);
    }

    [Theory]
    [InlineData("relay: { poll_interval: soon }", "Moltnet: relay.poll_interval: must be a positive duration")]
    [InlineData("relay: { check_interval: 0 }", "Moltnet: relay.check_interval: must be a positive duration")]
    [InlineData("relay: { backoff_min: 10s, backoff_max: 1s }", "Moltnet: relay.backoff_max: must not be shorter than backoff_min")]
    [InlineData("relay: { retries: 3 }", "Moltnet: relay.retries: unknown key")]
    public void Bad_relay_values_are_rejected(string yaml, string expectedPrefix) =>
        ConfigKit.HasErrorStarting(ConfigKit.Fail(yaml), expectedPrefix);
}
