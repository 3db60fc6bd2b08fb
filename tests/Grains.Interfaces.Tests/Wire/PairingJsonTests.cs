using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>Spec §1 Pairing: no token, diagnostics with <c>remote_protocols</c> always emitted.</summary>
public sealed class PairingJsonTests
{
    [Fact]
    public void Minimal_pairing_emits_remote_network_id_always()
    {
        Golden.RoundTrips("""{"id":"p1","remote_network_id":""}""", new Pairing { Id = "p1" });
    }

    [Fact]
    public void Full_pairing_in_order()
    {
        Golden.RoundTrips(
            """{"id":"p1","remote_network_id":"net_b","remote_network_name":"Net B","remote_base_url":"https://b.example.test","status":"connected","diagnostics":{"checked_at":"2024-01-02T03:04:05.5Z","remote_version":"1.2.3","remote_network_id":"net_b","remote_protocols":{"http":["moltnet.http.v1"],"attach":["moltnet.attach.v1"],"pair":["moltnet.pair.v1"]},"reason":"ok","message":"all good"}}""",
            new Pairing
            {
                Id = "p1", RemoteNetworkId = "net_b", RemoteNetworkName = "Net B", RemoteBaseUrl = "https://b.example.test",
                Status = PairingStatus.Connected,
                Diagnostics = new PairingDiagnostics
                {
                    CheckedAt = Times.Half, RemoteVersion = "1.2.3", RemoteNetworkId = "net_b",
                    RemoteProtocols = Protocols.Current, Reason = "ok", Message = "all good",
                },
            });
    }

    [Fact]
    public void Empty_diagnostics_keep_checked_at_and_remote_protocols()
    {
        Golden.RoundTrips(
            """{"id":"p1","remote_network_id":"net_b","status":"error","diagnostics":{"checked_at":"0001-01-01T00:00:00Z","remote_protocols":{}}}""",
            new Pairing { Id = "p1", RemoteNetworkId = "net_b", Status = PairingStatus.Error, Diagnostics = new PairingDiagnostics() });
    }

    [Fact]
    public void A_token_on_read_is_ignored_and_never_written()
    {
        var read = Golden.Reads<Pairing>("""{"id":"p1","remote_network_id":"net_b","token":"secret"}""");
        Assert.Equal("""{"id":"p1","remote_network_id":"net_b"}""", MoltnetJson.Serialize(read));
    }

    [Fact]
    public void Pairing_list_wraps_pairings_and_page()
    {
        Golden.RoundTrips(
            """{"pairings":[{"id":"p1","remote_network_id":"net_b"}],"page":{"has_more":false}}""",
            new PairingList([new Pairing { Id = "p1", RemoteNetworkId = "net_b" }], new PageInfo(false)));
    }
}
