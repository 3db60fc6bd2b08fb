using Moltnet.NodeClient.Daemon;
using Moltnet.NodeClient.Runtimes;
using Moltnet.TestSupport;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Tests.Daemon;

/// <summary>Backoff, the durable cursor, preflight rules, the attach URL and Codex session ids.</summary>
public sealed class DaemonPartsTests
{
    [Fact]
    public void Backoff_doubles_from_half_a_second_with_jitter_and_caps_at_fifteen_seconds()
    {
        var random = new Random(7);
        for (var n = 1; n <= 8; n++)
        {
            var expected = Math.Min(500 * Math.Pow(2, n - 1), 15000);
            for (var i = 0; i < 50; i++)
            {
                var ms = Backoff.Delay(n, random).TotalMilliseconds;
                Assert.InRange(ms, Math.Max(500, expected * 0.8), Math.Min(15000, expected * 1.2));
            }
        }
    }

    [Fact]
    public void Durable_cursor_only_advances_over_finished_events_and_survives_a_new_store()
    {
        using var dir = new TempDirectory();
        var store = new CursorStore(dir.Path, "local", "alpha", TimeProvider.System);
        Assert.Null(store.Stored);
        var e1 = store.Begin("evt_1");
        var e2 = store.Begin("evt_2");
        var e3 = store.Begin("evt_3");
        store.Finish(e2);
        Assert.Null(store.Stored);
        store.Finish(e1);
        Assert.Equal("evt_2", store.Stored);
        store.Finish(e3);
        Assert.Equal("evt_3", new CursorStore(dir.Path, "local", "alpha", TimeProvider.System).Stored);
        Assert.Equal(TempDirectory.Private, TempDirectory.ModeOf(Path.Combine(dir.Path, "cursors", "alpha.json")));
        Assert.Null(new CursorStore(dir.Path, "other-net", "alpha", TimeProvider.System).Stored);
    }

    private static Network Net(Protocols protocols, Capabilities? caps = null) =>
        new("local", "Local", "1", protocols, caps ?? new Capabilities { DirectMessages = true }, new ConsoleInfo(false));

    [Fact]
    public void Preflight_rules()
    {
        Assert.Empty(Preflight.Issues(Net(Protocols.Current), "local", needsDms: true));
        Assert.Equal(["network id mismatch: expected \"other\", reported \"local\""], Preflight.Issues(Net(Protocols.Current), "other", false));
        Assert.Equal(["protocols.attach does not include moltnet.attach.v1"], Preflight.Issues(Net(new Protocols([Protocols.HttpV1], ["x"])), "local", false));
        Assert.Empty(Preflight.Issues(Net(new Protocols()), "local", false)); // legacy: capability flags only
        Assert.Equal(["direct messages are enabled for this attachment but the network disables them"],
            Preflight.Issues(Net(Protocols.Current, new Capabilities { DirectMessages = false }), "local", true));
    }

    [Fact]
    public void Attach_url_swaps_the_scheme_and_keeps_the_path() =>
        Assert.Equal("wss://example.com:8443/moltnet/v1/attach", AttachmentLoop.AttachUri("https://example.com:8443/moltnet/?x=1").ToString());

    [Fact]
    public void Codex_session_id_comes_from_the_json_stream_and_is_never_invented()
    {
        Assert.Equal("th_1", CliRuntime.CodexSessionId("noise\n{\"type\":\"thread.started\",\"thread_id\":\"th_1\"}\n"));
        Assert.Equal("s-2", CliRuntime.CodexSessionId("{\"msg\":{\"payload\":{\"session_id\":\"s-2\"}}}"));
        Assert.Equal("s-3", CliRuntime.CodexSessionId("{\"type\":\"session_configured\",\"id\":\"s-3\"}"));
        Assert.Null(CliRuntime.CodexSessionId("{\"type\":\"turn.completed\"}\nplain text"));
    }
}
