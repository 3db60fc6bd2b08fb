using Moltnet.Grains.Domain;

namespace Moltnet.Grains.Tests.Cluster;

/// <summary>Local presence counts, with and without a listener (shared presence listens only in a cluster).</summary>
public sealed class PresenceRegistryTests
{
    [Fact]
    public void Counts_sessions_when_nobody_listens()
    {
        var presence = new PresenceRegistry();
        presence.Connected("alpha");
        presence.Connected("alpha");
        presence.Disconnected("alpha");
        Assert.True(presence.IsConnected("alpha"));
        presence.Disconnected("alpha");
        presence.Disconnected("alpha"); // never below zero
        Assert.False(presence.IsConnected("alpha"));
        presence.Connected("alpha");
        Assert.True(presence.IsConnected("alpha"));
    }

    [Fact]
    public void Listeners_see_each_new_count()
    {
        var presence = new PresenceRegistry();
        var seen = new List<(string, int)>();
        presence.Changed += (id, n) => seen.Add((id, n));
        presence.Connected("alpha");
        presence.Connected("alpha");
        presence.Disconnected("alpha");
        Assert.Equal([("alpha", 1), ("alpha", 2), ("alpha", 1)], seen);
        Assert.Equal(1, presence.Count);
    }
}
