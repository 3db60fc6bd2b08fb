using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests.Support;

/// <summary>One real <c>moltnet start</c> process on SQLite in a temp dir, shared by a test class; room <c>r</c>
/// (members <c>a</c>, <c>b</c>) exists.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();

    public ServerProcess Server { get; private set; } = null!;

    public HttpClient Http => Server.Client;

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync(_dir.Path, MeasuredMemory.ServerEnvironment);
        await Http.CreateRoomAsync("r", "a", "b");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}
