using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

/// <summary>The shared, persisted status of a pairing (design §5): every replica reads the same row.</summary>
public sealed record PairingState(string PairingId, string Status, PairingDiagnostics? Diagnostics, DateTimeOffset ChangedAt);

/// <summary>A relay to queue for a pairing in the same transaction as the local message (<see cref="MessageWrite.Outbox"/>).
/// <see cref="BodyJson"/> is the <c>POST /v1/messages</c> body to send to the remote.</summary>
public sealed record OutboxEntry(string PairingId, string BodyJson);

/// <summary>A queued relay. Items of one pairing are delivered in <see cref="Seq"/> order (the message's log cursor,
/// which is commit order).</summary>
public sealed record OutboxItem
{
    public required long Id { get; init; }
    public required string PairingId { get; init; }
    public required string MessageId { get; init; }
    public required string BodyJson { get; init; }
    public required long Seq { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public int Attempts { get; init; }
    /// <summary>Not before this time (null: at once).</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
    public string? LastError { get; init; }
}
