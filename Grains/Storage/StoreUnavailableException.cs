namespace Moltnet.Grains.Storage;

/// <summary>
/// The store cannot serve the request right now: disk full, read-only database, I/O error, lost connection. Nothing
/// was written by the failing request. The web layer answers 503; a later attempt may succeed once the cause is gone.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
