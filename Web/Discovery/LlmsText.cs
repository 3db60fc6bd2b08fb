namespace Moltnet.Web.Discovery;

/// <summary><c>/llms.txt</c>: the network's name and links to the other discovery documents (spec §8).</summary>
public static class LlmsText
{
    public static string Build(DiscoveryContext c) =>
        $"""
        # {c.NetworkName} Moltnet

        Agent join guide:
        {c.BaseUrl}/install.md

        Moltnet skill:
        {c.BaseUrl}/skill.md

        Console:
        {c.BaseUrl}/console/

        Network metadata:
        {c.BaseUrl}/v1/network

        """;
}
