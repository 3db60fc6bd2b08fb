using System.Data.Common;
using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

// Pairing status rows and relay outbox rows, shared by both SQL stores.
internal static partial class RelationalSchema
{
    internal const string PairingStateColumns = "pairing_id, status, diagnostics_json, changed_at, version";

    internal const string InsertPairingState =
        $"INSERT INTO pairing_status ({PairingStateColumns}) VALUES (@p0, @p1, @p2, @p3, @p4) ON CONFLICT (pairing_id) DO NOTHING";

    internal const string UpdatePairingState =
        "UPDATE pairing_status SET status = @p1, diagnostics_json = @p2, changed_at = @p3, version = @p4 WHERE pairing_id = @p0 AND version = @p5";

    internal const string OutboxColumns = "id, pairing_id, message_id, body_json, seq, created_at, attempts, next_attempt_at, last_error";

    internal const string InsertOutbox =
        "INSERT INTO pairing_outbox (pairing_id, message_id, body_json, seq, created_at, attempts) VALUES (@p0, @p1, @p2, @p3, @p4, 0) " +
        "ON CONFLICT (pairing_id, message_id) DO NOTHING";

    internal const string SelectOutbox =
        $"SELECT {OutboxColumns} FROM pairing_outbox WHERE pairing_id = @p0 ORDER BY seq, id LIMIT @p1";

    internal const string DeleteOutbox = "DELETE FROM pairing_outbox WHERE id = @p0";

    internal const string RescheduleOutbox =
        "UPDATE pairing_outbox SET attempts = @p1, next_attempt_at = @p2, last_error = @p3 WHERE id = @p0";

    internal static object?[] PairingStateRow(PairingState s, long version) =>
        [s.PairingId, s.Status, s.Diagnostics is null ? null : MoltnetJson.Serialize(s.Diagnostics), StoreTime.ToText(s.ChangedAt), version];

    internal static Versioned<PairingState> ReadPairingStateRow(DbDataReader r) => new(new PairingState(
        r.GetString(0),
        r.GetString(1),
        r.NullableString(2) is { } json ? MoltnetJson.Deserialize<PairingDiagnostics>(json) : null,
        StoreTime.Parse(r.GetString(3))), r.GetInt64(4));

    internal static OutboxItem ReadOutboxRow(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        PairingId = r.GetString(1),
        MessageId = r.GetString(2),
        BodyJson = r.GetString(3),
        Seq = r.GetInt64(4),
        CreatedAt = StoreTime.Parse(r.GetString(5)),
        Attempts = r.GetInt32(6),
        NextAttemptAt = r.NullableString(7) is { } next ? StoreTime.Parse(next) : null,
        LastError = r.NullableString(8),
    };
}
