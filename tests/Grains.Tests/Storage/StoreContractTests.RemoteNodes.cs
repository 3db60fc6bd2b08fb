using Moltnet.Grains.Storage;
using Moltnet.Wire;
using static Moltnet.Grains.Tests.Storage.StoreTestData;

namespace Moltnet.Grains.Tests.Storage;

// Remote node inventory, device tokens and conversation node selections (migration 6).
public abstract partial class StoreContractTests
{
    private static RemoteNodeRecord NodeRow(string id) => new() { NodeId = id, DisplayName = "Box " + id, CreatedAt = T0 };

    [StoreFact]
    public async Task Device_tokens_are_stored_by_hash_with_their_node_and_a_node_id_is_taken_once()
    {
        var token = new DeviceTokenRecord(new string('a', 64), "mdt_abcdefgh", "n1", T0, null);
        Assert.True(await Store.CreateDeviceTokenAsync(token, NodeRow("n1"), Ct));
        Assert.False(await Store.CreateDeviceTokenAsync(token with { TokenHash = new string('b', 64) }, NodeRow("n1"), Ct));
        Assert.Null(await Store.FindDeviceTokenAsync(new string('b', 64), Ct));

        Assert.Equal(token, await Store.FindDeviceTokenAsync(token.TokenHash, Ct));
        Assert.Equal([token], await Store.ListDeviceTokensAsync(Ct));
        var node = await Store.ReadRemoteNodeAsync("n1", Ct);
        Assert.Equal(("Box n1", false, T0), (node!.DisplayName, node.Connected, node.CreatedAt));
    }

    [StoreFact]
    public async Task Node_rows_keep_telemetry_policy_and_connection_and_only_the_owning_connection_disconnects()
    {
        Assert.True(await Store.CreateDeviceTokenAsync(new DeviceTokenRecord(new string('c', 64), "mdt_c", "n2", T0, null), NodeRow("n2"), Ct));
        var connected = NodeRow("n2") with
        {
            Connected = true, ConnId = "conn-a", ReplicaId = "r1", Platform = "linux", Version = "0.1.0", ConnectedAt = T0, LastSeenAt = T0,
            Telemetry = new NodeTelemetry { MemTotal = 8, MemAvailable = 4, CpuCount = 2, CpuUsage = 12.5, UptimeSecs = 60, DiskTotal = 100, Runtimes = ["go"], ReceivedAt = T0 },
            Policy = new NodePolicyInfo { Mode = "allowlist", Allowlist = ["echo"], WorkingDirRoots = ["/srv"] },
        };
        await Store.WriteRemoteNodeAsync(connected, [Event(NodeEventTypes.Connected) with { Node = new EventNode { NodeId = "n2" } }], Ct);
        var read = await Store.ReadRemoteNodeAsync("n2", Ct);
        Assert.Equal(("conn-a", "r1", true, 2, 12.5), (read!.ConnId, read.ReplicaId, read.Connected, read.Telemetry!.CpuCount, read.Telemetry.CpuUsage));
        Assert.Equal(["echo"], read.Policy!.Allowlist!);
        Assert.Equal(["go"], read.Telemetry.Runtimes!);

        Assert.False(await Store.MarkRemoteNodeDisconnectedAsync("n2", "conn-old", T0.AddSeconds(5), [Event("x")], Ct));
        Assert.True((await Store.ReadRemoteNodeAsync("n2", Ct))!.Connected);
        Assert.True(await Store.MarkRemoteNodeDisconnectedAsync("n2", "conn-a", T0.AddSeconds(5), [Event(NodeEventTypes.Disconnected)], Ct));
        read = await Store.ReadRemoteNodeAsync("n2", Ct);
        Assert.Equal((false, T0.AddSeconds(5)), (read!.Connected, read.LastSeenAt));
        Assert.Equal(["n2"], (await Store.ListRemoteNodesAsync(Ct)).Select(n => n.NodeId));
    }

    [StoreFact]
    public async Task Revoking_a_node_revokes_its_tokens_once()
    {
        var token = new DeviceTokenRecord(new string('d', 64), "mdt_d", "n3", T0, null);
        Assert.True(await Store.CreateDeviceTokenAsync(token, NodeRow("n3") with { Connected = true, ConnId = "c" }, Ct));
        Assert.False(await Store.RevokeRemoteNodeAsync("nope", T0, [Event("x")], Ct));
        Assert.True(await Store.RevokeRemoteNodeAsync("n3", T0.AddMinutes(1), [Event(NodeEventTypes.Revoked)], Ct));
        Assert.False(await Store.RevokeRemoteNodeAsync("n3", T0.AddMinutes(2), [Event("y")], Ct));
        Assert.Equal(T0.AddMinutes(1), (await Store.FindDeviceTokenAsync(token.TokenHash, Ct))!.RevokedAt);
        var node = await Store.ReadRemoteNodeAsync("n3", Ct);
        Assert.Equal((false, T0.AddMinutes(1)), (node!.Connected, node.RevokedAt));
    }

    [StoreFact]
    public async Task Node_selection_is_set_replaced_and_cleared()
    {
        Assert.Null(await Store.ReadNodeSelectionAsync("room:research", Ct));
        await Store.WriteNodeSelectionAsync("room:research", "n1", T0, Ct);
        await Store.WriteNodeSelectionAsync("room:research", "n2", T0, Ct);
        Assert.Equal("n2", await Store.ReadNodeSelectionAsync("room:research", Ct));
        await Store.WriteNodeSelectionAsync("room:research", null, T0, Ct);
        Assert.Null(await Store.ReadNodeSelectionAsync("room:research", Ct));
    }
}
