using System.Net;

namespace Moltnet.Bench.Peers;

/// <summary>An SSE subscriber on <c>GET /v1/events/stream</c> (Moltnet, or the SSE hub that speaks the same frames).</summary>
internal sealed class SseSubscriber(SseObserver observer) : Subscriber
{
    public override DeliveryLog Log { get => observer.Log; set => observer.Log = value; }
    public override string? ClosedEarly => observer.ClosedEarly;
    public override ValueTask DisposeAsync() => observer.DisposeAsync();
}

/// <summary>Posts <c>POST /v1/messages</c> over a pool of HTTP/1.1 connections; accepted means <c>202</c>.</summary>
internal sealed class HttpPublisher(HttpClient http, string idPrefix, string text) : Publisher
{
    public override async ValueTask<string?> PublishAsync(long seq, CancellationToken ct)
    {
        using var request = BenchHttp.PostMessage(idPrefix, seq, text, 1);
        try
        {
            using var response = await http.SendAsync(request, ct);
            return response.StatusCode == HttpStatusCode.Accepted ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return e.HttpRequestError.ToString();
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return "timeout";
        }
    }

    public override ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Shared by the HTTP + SSE systems: subscribers spread over the loopback source addresses.</summary>
internal abstract class HttpSseTarget : Target
{
    private HttpClient[]? _clients;

    protected abstract string Url { get; }

    public override async Task<Subscriber> SubscribeAsync(int index, string idPrefix, CancellationToken ct)
    {
        _clients ??= LoopbackSources.Clients(Url, 100_000, Timeout.InfiniteTimeSpan);
        return new SseSubscriber(await SseObserver.ConnectAsync(_clients[index % _clients.Length], idPrefix, ct));
    }

    public override string Acknowledgement => "202 Accepted";

    /// <summary>One pooled HTTP/1.1 connection per publish in flight (64 for the open-loop ladder).</summary>
    public override Task<Publisher> OpenPublisherAsync(string idPrefix, int payload, int? inFlight, CancellationToken ct) =>
        Task.FromResult<Publisher>(new HttpPublisher(BenchHttp.Client(Url, inFlight ?? 64, TimeSpan.FromSeconds(30)), idPrefix, BenchHttp.Payload(payload)));

    public override ValueTask DisposeAsync()
    {
        foreach (var c in _clients ?? []) c.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Moltnet itself: a <c>moltnet start</c> process on SQLite with its default settings (caps raised as in
/// every scenario), messages to room <c>bench</c>, observers on the SSE event stream.</summary>
internal class MoltnetTarget(BenchOptions options) : HttpSseTarget
{
    private ServerHost? _server;

    /// <summary>The members of room <c>bench</c>, as a JSON array's inside.</summary>
    protected virtual string RoomMembers => $"\"{BenchHttp.AgentId}\"";

    public override string Name => "moltnet";
    public override string Path => "POST /v1/messages (SQLite commit, 202) → SSE";
    public override int? Pid => _server?.Pid;
    protected override string Url => _server!.Url;

    public override async Task StartAsync(CancellationToken ct)
    {
        var dll = await RepoPaths.ServerDllAsync(options, ct);
        var version = System.Diagnostics.FileVersionInfo.GetVersionInfo(dll).ProductVersion ?? "";
        Version = version.Split('+') is [var v, var commit] ? $"{v} ({commit[..Math.Min(7, commit.Length)]})" : version;
        _server = await ServerHost.StartAsync(dll, options.Storage, options.ServerLogLevel, ct);
        using var admin = BenchHttp.Client(_server.Url, 2, TimeSpan.FromSeconds(30));
        await BenchHttp.CreateRoomAsync(admin, BenchHttp.RoomId, RoomMembers, ct);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}

/// <summary>Moltnet with native attachments instead of SSE observers: subscriber i attaches as agent <c>att-i</c>, a
/// member of room <c>bench</c> (the bench creates the room with <see cref="MaxMembers"/> such members).</summary>
internal sealed class MoltnetAttachTarget(BenchOptions options) : MoltnetTarget(options)
{
    public const int MaxMembers = 255; // a room holds at most 256 members, "a" included

    public override string Name => "moltnet-attach";
    public override string Path => "POST /v1/messages (SQLite commit, 202) → WebSocket /v1/attach";

    protected override string RoomMembers =>
        string.Join(',', Enumerable.Range(0, MaxMembers).Select(i => $"\"{AttachSubscriber.AgentId(i)}\"").Prepend($"\"{BenchHttp.AgentId}\""));

    public override async Task<Subscriber> SubscribeAsync(int index, string idPrefix, CancellationToken ct) =>
        await AttachSubscriber.ConnectAsync(Url, LoopbackSources.For(index), index, idPrefix, ct);
}

/// <summary>The floor: <c>bench/SseHub</c>, a minimal Kestrel app that answers <c>POST /v1/messages</c> with 202 and
/// writes the body to every open <c>GET /v1/events/stream</c>: no storage, no auth, no validation.</summary>
internal sealed class SseHubTarget : HttpSseTarget
{
    private PeerProcess? _server;

    public override string Name => "kestrel-sse-hub";
    public override string Path => "POST (in memory, 202) → SSE";
    public override int? Pid => _server?.Pid;
    protected override string Url => $"http://127.0.0.1:{_server!.Port}";

    public override async Task StartAsync(CancellationToken ct)
    {
        var dll = await RepoPaths.BuiltDllAsync("bench/SseHub/SseHub.csproj", "bench/SseHub/bin/Release/net10.0/SseHub.dll", ct);
        Version = $"ASP.NET Core {Environment.Version}";
        _server = await PeerProcess.StartAsync("dotnet", [dll, "--urls", "http://127.0.0.1:{PORT}"], new Dictionary<string, string>(), ct);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}
