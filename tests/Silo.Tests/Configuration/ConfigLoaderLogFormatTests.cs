using Moltnet.Configuration;

namespace Moltnet.Silo.Tests.Configuration;

/// <summary><c>server.log_format</c> and <c>MOLTNET_LOG_FORMAT</c>.</summary>
public sealed class ConfigLoaderLogFormatTests
{
    [Fact]
    public void Text_is_the_default()
    {
        Assert.Equal(LogFormats.Text, ConfigKit.Load(null).Server.LogFormat);
        Assert.Equal(LogFormats.Text, ConfigKit.Load("server: { listen_addr: \":1\" }").Server.LogFormat);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public void The_file_picks_the_format(string format) =>
        Assert.Equal(format, ConfigKit.Load($"server: {{ log_format: {format} }}").Server.LogFormat);

    [Fact]
    public void Other_formats_are_rejected() =>
        ConfigKit.HasError(ConfigKit.Fail("server: { log_format: logfmt }"), "Moltnet: server.log_format: must be one of text, json (got \"logfmt\")");

    [Fact]
    public void The_variable_wins_over_the_file_and_empty_is_ignored()
    {
        Assert.Equal(LogFormats.Json, ConfigKit.Load("server: { log_format: text }", new Dictionary<string, string?> { ["MOLTNET_LOG_FORMAT"] = "json" }).Server.LogFormat);
        Assert.Equal(LogFormats.Json, ConfigKit.Load("server: { log_format: json }", new Dictionary<string, string?> { ["MOLTNET_LOG_FORMAT"] = "" }).Server.LogFormat);
    }

    [Fact]
    public void A_bad_variable_is_an_error_naming_it() =>
        ConfigKit.HasError(ConfigKit.Fail(null, new Dictionary<string, string?> { ["MOLTNET_LOG_FORMAT"] = "JSON" }),
            "MOLTNET_LOG_FORMAT: must be one of text, json (got \"JSON\")");
}
