using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Moltnet.Bench;

/// <summary>HTTP plumbing shared by the scenarios: pooled clients, the bench room and message bodies.</summary>
internal static class BenchHttp
{
    public const string RoomId = "bench";
    public const string AgentId = "a";

    private static readonly Uri MessagesUri = new("/v1/messages", UriKind.Relative);

    /// <summary>One client over one <see cref="SocketsHttpHandler"/> holding up to <paramref name="connections"/> HTTP/1.1 connections.</summary>
    public static HttpClient Client(string url, int connections, TimeSpan timeout) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = new Uri(url),
            Timeout = timeout,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

    /// <summary>Room <paramref name="index"/> of the run: <c>bench</c>, then <c>bench-2</c>, <c>bench-3</c>… (only with <c>--rooms</c>).</summary>
    public static string Room(int index) => index == 0 ? RoomId : $"{RoomId}-{index + 1}";

    /// <summary>Creates the bench rooms (201), or accepts that they already exist on a reused server (409).</summary>
    public static async Task EnsureRoomsAsync(HttpClient http, int rooms, CancellationToken ct)
    {
        for (var i = 0; i < rooms; i++) await CreateRoomAsync(http, Room(i), $"\"{AgentId}\"", ct);
    }

    /// <summary>Creates room <paramref name="id"/> with <paramref name="members"/> (a JSON array's inside); 409 is fine.</summary>
    public static async Task CreateRoomAsync(HttpClient http, string id, string members, CancellationToken ct)
    {
        var body = $$"""{"id":"{{id}}","name":"Bench","members":[{{members}}]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var res = await http.PostAsync(new Uri("/v1/rooms", UriKind.Relative), content, ct);
        if (res.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
            throw new InvalidOperationException($"POST /v1/rooms answered {(int)res.StatusCode}: {await res.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>A run tag that keeps message ids unique when the bench reuses a server (<c>--url</c>).</summary>
    public static string NewRunTag() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 4));

    /// <summary>The id of message <paramref name="seq"/>: <c>bench-&lt;run&gt;-&lt;seq&gt;</c>; observers parse the sequence back.</summary>
    public static string MessageIdPrefix(string runTag) => $"bench-{runTag}-";

    /// <summary>The <c>POST /v1/messages</c> request for message <paramref name="seq"/>, to room <c>seq % rooms</c>.</summary>
    public static HttpRequestMessage PostMessage(string idPrefix, long seq, string text, int rooms)
    {
        var body = $$"""{"id":"{{idPrefix}}{{seq}}","target":{"kind":"room","room_id":"{{Room((int)(seq % rooms))}}"},"from":{"type":"agent","id":"{{AgentId}}"},"parts":[{"kind":"text","text":"{{text}}"}]}""";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(HttpMethod.Post, MessagesUri) { Content = content };
    }

    /// <summary>Plain ASCII text of <paramref name="bytes"/> bytes (no JSON escaping needed).</summary>
    public static string Payload(int bytes)
    {
        const string Words = "moltnet bench payload lorem ipsum dolor sit amet ";
        var sb = new StringBuilder(bytes);
        while (sb.Length < bytes) sb.Append(Words);
        return sb.ToString(0, bytes);
    }
}
