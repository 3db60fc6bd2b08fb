using System.Data.Common;
using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

// Remote node inventory, device tokens and conversation node selections, shared by both SQL stores.
internal static partial class RelationalSchema
{
    internal const string DeviceTokenColumns = "token_hash, token_prefix, node_id, created_at, revoked_at";

    internal const string InsertDeviceToken =
        $"INSERT INTO device_tokens ({DeviceTokenColumns}) VALUES (@p0, @p1, @p2, @p3, @p4)";

    internal const string RemoteNodeColumns =
        "node_id, display_name, platform, version, replica_id, conn_id, remote_ip, connected, connected_at, last_seen_at, " +
        "telemetry_json, policy_json, created_at, revoked_at";

    internal const string InsertRemoteNode =
        $"INSERT INTO remote_nodes ({RemoteNodeColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13) " +
        "ON CONFLICT (node_id) DO NOTHING";

    internal const string UpsertRemoteNode =
        $"INSERT INTO remote_nodes ({RemoteNodeColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13) " +
        "ON CONFLICT (node_id) DO UPDATE SET display_name = excluded.display_name, platform = excluded.platform, " +
        "version = excluded.version, replica_id = excluded.replica_id, conn_id = excluded.conn_id, remote_ip = excluded.remote_ip, " +
        "connected = excluded.connected, connected_at = excluded.connected_at, last_seen_at = excluded.last_seen_at, " +
        "telemetry_json = excluded.telemetry_json, policy_json = excluded.policy_json, revoked_at = excluded.revoked_at";

    internal const string DisconnectRemoteNode =
        "UPDATE remote_nodes SET connected = 0, last_seen_at = @p2 WHERE node_id = @p0 AND conn_id = @p1 AND connected = 1";

    internal const string RevokeDeviceTokens = "UPDATE device_tokens SET revoked_at = @p1 WHERE node_id = @p0 AND revoked_at IS NULL";

    internal const string RevokeRemoteNode =
        "UPDATE remote_nodes SET revoked_at = @p1, connected = 0, last_seen_at = CASE WHEN connected = 1 THEN @p1 ELSE last_seen_at END " +
        "WHERE node_id = @p0 AND revoked_at IS NULL";

    internal const string UpsertNodeSelection =
        "INSERT INTO node_selections (conversation_id, node_id, selected_at) VALUES (@p0, @p1, @p2) " +
        "ON CONFLICT (conversation_id) DO UPDATE SET node_id = excluded.node_id, selected_at = excluded.selected_at";

    internal const string DeleteNodeSelection = "DELETE FROM node_selections WHERE conversation_id = @p0";

    internal static object?[] DeviceTokenRow(DeviceTokenRecord t) =>
        [t.TokenHash, t.TokenPrefix, t.NodeId, StoreTime.ToText(t.CreatedAt), StoreTime.ToText(t.RevokedAt)];

    internal static DeviceTokenRecord ReadDeviceTokenRow(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), StoreTime.Parse(r.GetString(3)),
        r.NullableString(4) is { } revoked ? StoreTime.Parse(revoked) : null);

    internal static object?[] RemoteNodeRow(RemoteNodeRecord n) =>
    [
        n.NodeId, n.DisplayName, n.Platform, n.Version, n.ReplicaId, n.ConnId, n.RemoteIp, n.Connected ? 1 : 0,
        StoreTime.ToText(n.ConnectedAt), StoreTime.ToText(n.LastSeenAt),
        n.Telemetry is null ? null : MoltnetJson.Serialize(n.Telemetry),
        n.Policy is null ? null : MoltnetJson.Serialize(n.Policy),
        StoreTime.ToText(n.CreatedAt), StoreTime.ToText(n.RevokedAt),
    ];

    internal static RemoteNodeRecord ReadRemoteNodeRow(DbDataReader r) => new()
    {
        NodeId = r.GetString(0),
        DisplayName = r.NullableString(1),
        Platform = r.NullableString(2),
        Version = r.NullableString(3),
        ReplicaId = r.NullableString(4),
        ConnId = r.NullableString(5),
        RemoteIp = r.NullableString(6),
        Connected = Convert.ToInt64(r.GetValue(7), System.Globalization.CultureInfo.InvariantCulture) == 1,
        ConnectedAt = r.NullableString(8) is { } c ? StoreTime.Parse(c) : null,
        LastSeenAt = r.NullableString(9) is { } s ? StoreTime.Parse(s) : null,
        Telemetry = r.NullableString(10) is { } t ? MoltnetJson.Deserialize<NodeTelemetry>(t) : null,
        Policy = r.NullableString(11) is { } p ? MoltnetJson.Deserialize<NodePolicyInfo>(p) : null,
        CreatedAt = StoreTime.Parse(r.GetString(12)),
        RevokedAt = r.NullableString(13) is { } v ? StoreTime.Parse(v) : null,
    };
}
