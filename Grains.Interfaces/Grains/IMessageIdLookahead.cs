namespace Moltnet.Grains;

/// <summary>
/// Starts the duplicate check of a client-chosen message id before the post waits for its conversation's turn. The turn
/// then only collects the answer, so a busy conversation's posts do not take one database round trip each, one after
/// the other, and concurrent posts share their lookups (the PostgreSQL store coalesces them into one query).
/// </summary>
public interface IMessageIdLookahead
{
    /// <summary>Starts looking up <paramref name="messageId"/> (nothing for a blank or invalid id). Dispose the result when
    /// the post is over: a lookup its turn did not collect is dropped then.</summary>
    IDisposable Start(string? messageId);
}
