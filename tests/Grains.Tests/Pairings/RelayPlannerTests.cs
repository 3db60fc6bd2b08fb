using Moltnet.Configuration;
using Moltnet.Grains.Domain.Pairings;
using Moltnet.Wire;

namespace Moltnet.Grains.Tests.Pairings;

public sealed class RelayPlannerTests
{
    private static readonly PairingConfig ToB = new() { Id = "to-b", RemoteNetworkId = "netb", RemoteBaseUrl = "http://b.example" };
    private static readonly PairingConfig ToC = new() { Id = "to-c", RemoteNetworkId = "netc", RemoteBaseUrl = "http://c.example" };
    private static readonly PairingConfig NoUrl = new() { Id = "no-url", RemoteNetworkId = "netd" };

    private static Message Msg(Target target, string origin = "neta") => new()
    {
        Id = "m1",
        NetworkId = "neta",
        Origin = new Origin(origin, "m1"),
        Target = target,
        From = new Actor { Type = "agent", Id = "alpha", NetworkId = "neta", Fqid = "molt://neta/agents/alpha" },
        Parts = [new Part { Kind = "text", Text = "hi" }],
        Mentions = ["molt://netb/agents/beta"],
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void Rooms_and_threads_go_to_every_pairing_with_a_base_url_with_origin_kept()
    {
        var entries = RelayPlanner.Plan(Msg(new Target { Kind = TargetKind.Thread, RoomId = "r", ThreadId = "t" }), "neta", [ToB, ToC, NoUrl]);
        Assert.Equal(["to-b", "to-c"], entries.Select(e => e.PairingId));
        var body = MoltnetJson.Deserialize<SendMessageRequest>(entries[0].BodyJson)!;
        Assert.Equal(("m1", "neta", "m1"), (body.Id, body.Origin!.NetworkId, body.Origin.MessageId));
        Assert.Equal(("t", "r"), (body.Target!.ThreadId, body.Target.RoomId));
        Assert.Equal("molt://neta/agents/alpha", body.From!.Fqid);
        Assert.Equal(["molt://netb/agents/beta"], body.Mentions!);
    }

    [Fact]
    public void A_relayed_message_is_never_relayed_again()
    {
        Assert.Empty(RelayPlanner.Plan(Msg(new Target { Kind = TargetKind.Room, RoomId = "r" }, origin: "netb"), "neta", [ToB, ToC]));
    }

    [Fact]
    public void Dms_go_only_to_networks_among_the_participants_with_qualified_ids()
    {
        var dm = new Target { Kind = TargetKind.Dm, DmId = "d", ParticipantIds = ["alpha", "netb:beta", "molt://netb/agents/gamma", "zed"] };
        var entry = Assert.Single(RelayPlanner.Plan(Msg(dm), "neta", [ToB, ToC]));
        Assert.Equal("to-b", entry.PairingId);
        var body = MoltnetJson.Deserialize<SendMessageRequest>(entry.BodyJson)!;
        Assert.Equal(["neta:alpha", "netb:beta", "netb:gamma", "netb:zed"], body.Target!.ParticipantIds!);

        Assert.Empty(RelayPlanner.Plan(Msg(dm with { ParticipantIds = ["alpha", "zed"] }), "neta", [ToB]));
    }
}
