namespace Moltnet.Bench;

/// <summary>The per-scenario setup: a fresh server (or the one given by <c>--url</c>), the bench room, and a run tag
/// that makes this scenario's message ids unique.</summary>
internal sealed class BenchSession : IAsyncDisposable
{
    private BenchSession(ServerHost server, string runTag)
    {
        Server = server;
        RunTag = runTag;
    }

    public ServerHost Server { get; }
    public string RunTag { get; }
    public string IdPrefix => BenchHttp.MessageIdPrefix(RunTag);

    /// <summary>Exit code of the server after SIGTERM (null for an external server or before disposal).</summary>
    public int? ExitCode { get; private set; }

    public static async Task<BenchSession> OpenAsync(BenchOptions o, CancellationToken ct)
    {
        var server = o.Url is { } url
            ? await ServerHost.AttachAsync(url, ct)
            : await ServerHost.StartAsync(await RepoPaths.ServerDllAsync(o, ct), o.Storage, o.ServerLogLevel, ct);
        try
        {
            using var admin = BenchHttp.Client(server.Url, 2, TimeSpan.FromSeconds(30));
            await BenchHttp.EnsureRoomsAsync(admin, o.Rooms, ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return new BenchSession(server, BenchHttp.NewRunTag());
    }

    /// <summary>Stops the server with SIGTERM and checks it exited cleanly; returns a line for the details.</summary>
    public async Task<string> StopAsync()
    {
        ExitCode = await Server.StopAsync();
        return ExitCode is { } code ? $"server stopped with SIGTERM, exit code {code}" : "external server left running";
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
