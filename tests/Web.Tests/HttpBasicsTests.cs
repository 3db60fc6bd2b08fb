using System.Net;
using System.Text;

namespace Moltnet.Web.Tests;

public sealed class HttpBasicsTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient C => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Health_routes_answer()
    {
        var h = await C.Get("/healthz");
        Assert.Equal("""{"status":"ok"}""", h.Body!.ToJsonString());
        var r = await C.Get("/readyz");
        Assert.Equal("""{"status":"ready"}""", r.Body!.ToJsonString());
    }

    [Fact]
    public async Task Request_ids_are_echoed_when_valid_and_minted_otherwise()
    {
        using var valid = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        valid.Headers.Add("X-Request-Id", "abc.123:x-y");
        Assert.Equal("abc.123:x-y", (await C.SendAsync(valid)).Headers.GetValues("X-Request-Id").Single());
        using var invalid = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        invalid.Headers.Add("X-Request-Id", "has space");
        Assert.Matches("^req_[0-9a-f]{16}$", (await C.SendAsync(invalid)).Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task Network_document_has_the_spec_shape()
    {
        var n = (await C.Get("/v1/network")).Body!;
        Assert.Equal("local", (string?)n["id"]);
        Assert.Equal("Local Moltnet", (string?)n["name"]);
        Assert.Equal("""{"http":["moltnet.http.v1"],"attach":["moltnet.attach.v1"],"pair":["moltnet.pair.v1"]}""", n["protocols"]!.ToJsonString());
        Assert.Equal("""{"event_stream":"sse","attachment_protocol":"websocket","public_read":false,"agent_registration":"disabled","human_ingress":true,"direct_messages":true,"message_pagination":"cursor","pairings":false}""",
            n["capabilities"]!.ToJsonString());
        Assert.Equal("""{"can_send_human":true}""", n["console"]!.ToJsonString());
        Assert.Null(n["warnings"]);
    }

    [Theory]
    [InlineData("", "request body is required")]
    [InlineData("   ", "request body is required")]
    [InlineData("""{"id":"a"} {"id":"b"}""", "expected a single JSON object")]
    [InlineData("""[1]""", "expected a single JSON object")]
    [InlineData("""{"id":5}""", null)]
    [InlineData("""{"id":"a",""", null)]
    public async Task Bad_bodies_get_400_and_change_nothing(string body, string? message)
    {
        var r = await C.Post("/v1/rooms", body);
        r.AssertError(400, "bad_request", message);
        Assert.Empty((await C.Get("/v1/rooms")).Body!["rooms"]!.AsArray());
    }

    [Fact]
    public async Task Unknown_fields_are_ignored_and_keys_match_case_insensitively()
    {
        var r = await C.Post("/v1/rooms", """{"ID":"x","Visibility":"public","whatever":{"deep":[1,2]}}""");
        Assert.Equal(201, (int)r.Status);
        Assert.Equal("public", (string?)r.Body!["visibility"]);
    }

    [Fact]
    public async Task Oversized_invalid_utf8_and_deep_bodies_get_400()
    {
        var big = "{\"id\":\"x\",\"name\":\"" + new string('a', 1 << 20) + "\"}";
        (await C.Post("/v1/rooms", big)).AssertError(400, "bad_request", "request body too large");

        using var utf8 = new HttpRequestMessage(HttpMethod.Post, "/v1/rooms")
        {
            Content = new ByteArrayContent([.. "{\"id\":\"x\",\"name\":\""u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()]),
        };
        var res = await C.SendAsync(utf8);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Contains("UTF-8", await res.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var deep = new StringBuilder("{\"id\":\"x\",\"name\":");
        for (var i = 0; i < 10_000; i++) deep.Append('[');
        for (var i = 0; i < 10_000; i++) deep.Append(']');
        deep.Append('}');
        (await C.Post("/v1/rooms", deep.ToString())).AssertError(400, "bad_request", "invalid JSON: nesting too deep");
        Assert.Equal(200, (int)(await C.Get("/healthz")).Status);
    }

    [Fact]
    public async Task Bodies_sent_in_pieces_without_a_length_are_read_whole_and_answers_keep_text_as_utf8()
    {
        // Chunked (no Content-Length), in 1,000-byte writes, 60 KB: the server reads it across many buffer segments.
        var json = "{\"id\":\"pieces\",\"name\":\"Café 😀 <&>\",\"padding\":\"" + new string('é', 30_000) + "\"}";
        var created = await SendInPieces("/v1/rooms", json, 1_000);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var text = await created.Content.ReadAsStringAsync();
        // Written with the wire context's relaxed escaping (é and <&> as they are; the emoji as a \u surrogate pair, the
        // same JSON value).
        Assert.Contains("\"name\":\"Café \\uD83D\\uDE00 <&>\"", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.Equal("Café 😀 <&>", (string?)(await C.Get("/v1/rooms/pieces")).Body!["name"]);

        // Over 1 MiB without a Content-Length: refused while it is read, nothing created.
        var big = await SendInPieces("/v1/rooms", "{\"id\":\"big\",\"name\":\"" + new string('a', 1 << 20) + "\"}", 64 * 1024);
        Assert.Equal(HttpStatusCode.BadRequest, big.StatusCode);
        Assert.Contains("request body too large", await big.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Get("/v1/rooms/big")).Status);
    }

    private async Task<HttpResponseMessage> SendInPieces(string path, string json, int piece)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new PiecesContent(Encoding.UTF8.GetBytes(json), piece) };
        return await C.SendAsync(request);
    }

    /// <summary>A body of unknown length (sent chunked), written and flushed <c>piece</c> bytes at a time.</summary>
    private sealed class PiecesContent(byte[] bytes, int piece) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var at = 0; at < bytes.Length; at += piece)
            {
                await stream.WriteAsync(bytes.AsMemory(at, Math.Min(piece, bytes.Length - at)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task Unknown_routes_are_404_and_wrong_methods_405()
    {
        (await C.Post("/v1/nothing", "{}")).AssertError(404, "not_found");
        var r = await C.Send(HttpMethod.Put, "/v1/rooms", "{}");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.Status);
    }
}
