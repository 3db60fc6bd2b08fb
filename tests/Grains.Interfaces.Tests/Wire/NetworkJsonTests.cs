using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>Spec §1 Network: field order, <c>debug_events</c> only when true, booleans always emitted.</summary>
public sealed class NetworkJsonTests
{
    private static Network Sample(Capabilities capabilities, IReadOnlyList<Warning>? warnings = null) =>
        new("local", "Local Moltnet", "0.0.0-dev", Protocols.Current, capabilities, new ConsoleInfo(false), warnings);

    [Fact]
    public void Defaults_emit_every_always_field_and_no_warnings()
    {
        Golden.RoundTrips(
            """{"id":"local","name":"Local Moltnet","version":"0.0.0-dev","protocols":{"http":["moltnet.http.v1"],"attach":["moltnet.attach.v1"],"pair":["moltnet.pair.v1"]},"capabilities":{"event_stream":"sse","attachment_protocol":"websocket","public_read":false,"agent_registration":"disabled","human_ingress":false,"direct_messages":false,"message_pagination":"cursor","pairings":false},"console":{"can_send_human":false}}""",
            Sample(new Capabilities()));
    }

    [Fact]
    public void Debug_events_is_emitted_only_when_true()
    {
        var on = new Capabilities { PublicRead = true, AgentRegistration = "open", DebugEvents = true, HumanIngress = true, DirectMessages = true, Pairings = true };
        Golden.RoundTrips(
            """{"event_stream":"sse","attachment_protocol":"websocket","public_read":true,"agent_registration":"open","debug_events":true,"human_ingress":true,"direct_messages":true,"message_pagination":"cursor","pairings":true}""",
            on);
        Golden.Writes(
            """{"event_stream":"sse","attachment_protocol":"websocket","public_read":true,"agent_registration":"open","human_ingress":true,"direct_messages":true,"message_pagination":"cursor","pairings":true}""",
            on with { DebugEvents = false });
        Assert.Null(Golden.Reads<Capabilities>("""{"debug_events":false}""").DebugEvents);
    }

    [Fact]
    public void Warnings_follow_console_with_optional_fields_omitted()
    {
        Warning[] warnings =
        [
            new("error", "pairings.incompatible", "1 pairing(s) incompatible."),
            new("warning", "pairings.error", "1 pairing(s) in error.", "check the remote", "https://example.test/docs"),
        ];
        Golden.RoundTrips(
            """{"id":"local","name":"Local Moltnet","version":"0.0.0-dev","protocols":{"http":["moltnet.http.v1"],"attach":["moltnet.attach.v1"],"pair":["moltnet.pair.v1"]},"capabilities":{"event_stream":"sse","attachment_protocol":"websocket","public_read":false,"agent_registration":"disabled","human_ingress":false,"direct_messages":false,"message_pagination":"cursor","pairings":false},"console":{"can_send_human":false},"warnings":[{"severity":"error","code":"pairings.incompatible","message":"1 pairing(s) incompatible."},{"severity":"warning","code":"pairings.error","message":"1 pairing(s) in error.","action":"check the remote","docs_url":"https://example.test/docs"}]}""",
            Sample(new Capabilities(), warnings));
    }

    [Fact]
    public void Console_can_send_human_true()
    {
        Golden.RoundTrips("""{"can_send_human":true}""", new ConsoleInfo(true));
    }

    [Fact]
    public void Empty_protocols_object_is_still_an_object()
    {
        Golden.RoundTrips("{}", new Protocols());
    }
}
