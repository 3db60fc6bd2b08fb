using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests;

/// <summary>Declared rooms are created at start; API member edits survive a restart unless the config says to re-apply
/// them (improvements.md server 11).</summary>
public sealed class DeclaredRoomsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    private void WriteConfig(bool reapply) => File.WriteAllText(Path.Combine(Dir, "Moltnet"), $"""
        version: moltnet.v1
        server:
          reapply_declared_members: {(reapply ? "true" : "false")}
        rooms:
          - id: lobby
            name: Lobby
            members: [alpha, beta]
        """);

    private static async Task<string> Members(ServerProcess s) =>
        (await s.Client.GetFromJsonAsync<JsonNode>("/v1/rooms/lobby"))!["members"]!.ToJsonString();

    [Fact]
    public async Task Api_member_edits_survive_a_restart_unless_reapply_is_on()
    {
        WriteConfig(reapply: false);
        await using (var s = await ServerProcess.StartAsync(Dir))
        {
            Assert.Equal("""["alpha","beta"]""", await Members(s));
            var patch = new HttpRequestMessage(HttpMethod.Patch, "/v1/rooms/lobby/members")
            {
                Content = new StringContent("""{"remove":["beta"],"add":["gamma"]}""", Encoding.UTF8, "application/json"),
            };
            Assert.Equal(200, (int)(await s.Client.SendAsync(patch)).StatusCode);
            await s.TerminateAsync();
        }
        await using (var s = await ServerProcess.StartAsync(Dir))
        {
            Assert.Equal("""["alpha","gamma"]""", await Members(s));
            await s.TerminateAsync();
        }
        WriteConfig(reapply: true);
        await using (var s = await ServerProcess.StartAsync(Dir))
        {
            Assert.Equal("""["alpha","beta"]""", await Members(s));
        }
    }
}
