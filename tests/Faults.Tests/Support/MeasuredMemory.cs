namespace Moltnet.Faults.Tests.Support;

/// <summary>Settings for a server whose RSS a test compares over time. The runtime sizes its gen-0 allocation budget from
/// the CPU's last-level cache: on a host that reports a 260 MiB L3 the server allocates ~200 MiB of garbage before its first
/// collection, so RSS grows by that much whether or not anything is retained. A 16 MiB budget (<c>DOTNET_GCgen0size</c>,
/// hexadecimal) makes RSS track what the server keeps, on any host.</summary>
public static class MeasuredMemory
{
    public static readonly IReadOnlyDictionary<string, string?> ServerEnvironment = new Dictionary<string, string?>
    {
        ["DOTNET_GCgen0size"] = "1000000",
    };
}
