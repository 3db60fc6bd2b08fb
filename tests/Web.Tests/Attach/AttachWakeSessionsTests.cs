using Microsoft.Extensions.DependencyInjection;
using Moltnet.Configuration;
using Moltnet.TestSupport;
using Moltnet.Web.Attach;
using static Moltnet.Web.Tests.Attach.AttachDeliveryTests;

namespace Moltnet.Web.Tests.Attach;

/// <summary>Two sessions of one agent (same credential) receive the same wakes: each wake still gets exactly one outcome,
/// tracked by the session that claimed it first (<c>LocalWakeClaims</c>; the cluster version is in Cluster.Tests).</summary>
public sealed class AttachWakeSessionsTests
{
    [Fact]
    public async Task A_wake_received_by_two_sessions_of_the_agent_is_reported_once()
    {
        await using var server = await TestServer.StartAsync(new MoltnetConfig
        {
            Storage = new StorageSection { Kind = StorageKinds.Memory },
            Server = new ServerSection { ListenAddr = "127.0.0.1:0" },
            Auth = new AuthSection
            {
                Mode = AuthModes.Bearer,
                Tokens =
                [
                    new TokenConfig { Id = "ops", Value = "ops-secret", Scopes = ["admin", "write"] },
                    new TokenConfig { Id = "a1", Value = "attach-one", Scopes = ["attach"] },
                ],
            },
        });
        server.Services.GetRequiredService<AttachOptions>().WakeAckTimeout = TimeSpan.FromSeconds(2);
        using var ops = server.ClientWithToken("ops-secret");
        var (one, _) = await AttachClient.AttachAsync(server.Url, "alpha", "attach-one");
        var (two, _) = await AttachClient.AttachAsync(server.Url, "alpha", "attach-one");

        await Ok(ops.Post("/v1/messages", DmMsg("d1", "beta", "alpha", "psst", "m-acked")));
        var cursors = await Task.WhenAll(CursorAsync(one), CursorAsync(two));
        await one.AckAsync(cursors[0]);
        await two.AckAsync(cursors[1]);
        await Ok(ops.Post("/v1/messages", DmMsg("d1", "beta", "alpha", "again", "m-ignored")));
        await Task.WhenAll(CursorAsync(one), CursorAsync(two));
        await AttachTestEvents.WaitForAsync(server, "agent.wake.failed");
        await one.DisposeAsync();
        await two.DisposeAsync();
        // Each session's agent.disconnected follows the wake failures of its end: after both, every outcome is in.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<System.Text.Json.Nodes.JsonObject> all;
        while ((all = await AttachTestEvents.AllAsync(server)).Count(e => (string?)e["type"] == "agent.disconnected") < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "both sessions did not disconnect");
            await Task.Delay(100);
        }

        Assert.Equal(["agent.wake.delivered m-acked", "agent.wake.failed m-ignored"],
            all.Where(e => ((string?)e["type"])!.StartsWith("agent.wake.", StringComparison.Ordinal))
                .Select(e => $"{e["type"]} {e["agent"]!["message_id"]}"));
    }

    private static async Task<string> CursorAsync(AttachClient c) => (string)(await c.NextEventOfTypeAsync("message.created"))["cursor"]!;
}
