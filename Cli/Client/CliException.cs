namespace Moltnet.Cli.Client;

/// <summary>A user-facing failure: the message is printed as one stamped stderr line and the command exits 1.</summary>
public sealed class CliException(string message) : Exception(message);
