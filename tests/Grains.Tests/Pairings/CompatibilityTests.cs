using System.Text;
using Moltnet.Configuration;
using Moltnet.Grains.Domain.Pairings;
using Moltnet.Wire;

namespace Moltnet.Grains.Tests.Pairings;

public sealed class CompatibilityTests
{
    private static readonly PairingConfig Pairing = new() { Id = "p", RemoteNetworkId = "remote", RemoteBaseUrl = "http://r.example" };

    private static CheckResult Judge(string http = "\"moltnet.http.v1\"", string pair = "\"moltnet.pair.v1\"", string id = "remote",
        string pagination = "cursor", bool dms = true, string attach = "\"moltnet.attach.v1\"") =>
        Compatibility.Evaluate(Pairing, Encoding.UTF8.GetBytes(
            $$$"""{"id":"{{{id}}}","version":"1.0.0","protocols":{"http":[{{{http}}}],"attach":[{{{attach}}}],"pair":[{{{pair}}}]},"capabilities":{"message_pagination":"{{{pagination}}}","direct_messages":{{{(dms ? "true" : "false")}}}}}"""),
            DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_current_remote_is_connected()
    {
        var r = Judge();
        Assert.Equal((PairingStatus.Connected, (string?)null), (r.Status, r.Diagnostics.Reason));
        Assert.Equal(("remote", "1.0.0"), (r.Diagnostics.RemoteNetworkId, r.Diagnostics.RemoteVersion));
    }

    [Fact]
    public void First_matching_rule_wins()
    {
        Assert.Equal((PairingStatus.Incompatible, Compatibility.NetworkIdMismatch), Reason(Judge(id: "other", http: "")));
        Assert.Equal((PairingStatus.Incompatible, Compatibility.UnsupportedHttpProtocol), Reason(Judge(http: "\"moltnet.http.v0\"")));
        Assert.Equal((PairingStatus.Incompatible, Compatibility.UnsupportedPairProtocol), Reason(Judge(pair: "\"moltnet.pair.v0\"")));
        Assert.Equal((PairingStatus.Connected, null), Reason(Judge(pair: ""))); // an empty pair list is legacy-OK
        Assert.Equal((PairingStatus.Connected, null), Reason(Judge(http: "", pair: "", attach: ""))); // legacy: all empty + cursor
        Assert.Equal((PairingStatus.Degraded, Compatibility.MissingCursorPagination), Reason(Judge(pagination: "offset", dms: false)));
        Assert.Equal((PairingStatus.Degraded, Compatibility.DirectMessagesDisabled), Reason(Judge(dms: false)));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"name\":\"no id\"}")]
    public void A_body_that_is_no_network_document_is_a_failed_fetch(string body)
    {
        var r = Compatibility.Evaluate(Pairing, Encoding.UTF8.GetBytes(body), DateTimeOffset.UnixEpoch);
        Assert.Equal((PairingStatus.Error, Compatibility.RemoteRequestFailed), Reason(r));
    }

    private static (string, string?) Reason(CheckResult r) => (r.Status, r.Diagnostics.Reason);
}
