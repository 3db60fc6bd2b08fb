using System.Text;
using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 9: the bad input catalogue against a real server process. Each body gets the spec's status, code and
/// message, nothing is stored or published, and the server stays healthy.</summary>
public sealed class BadInputTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private const int MiB = 1 << 20;
    private static readonly string Valid = Api.RoomMessage("good");

    public static TheoryData<string, int, string, string> Bodies() => new()
    {
        { "empty", 400, "bad_request", "request body is required" },
        { "two values", 400, "bad_request", "expected a single JSON object" },
        { "array", 400, "bad_request", "expected a single JSON object" },
        { "truncated", 400, "bad_request", "invalid JSON: Expected depth to be zero at the end of the JSON payload" },
        { "id is a number", 400, "bad_request", "invalid JSON at $.id: wrong value type" },
        { "parts is an object", 400, "bad_request", "invalid JSON at $.parts: wrong value type" },
        { "bad message id", 422, "unprocessable_entity", "invalid message id \"-x\"" },
        { "bad sender id", 422, "unprocessable_entity", "invalid from.id \"a b\"" },
        { "bad room id", 422, "unprocessable_entity", "invalid target.room_id \"r/../x\"" },
        { "empty parts", 422, "unprocessable_entity", "parts must not be empty" },
        { "missing sender", 422, "unprocessable_entity", "from.id is required" },
        { "unknown part kind", 422, "unprocessable_entity", "parts[0].kind \"video\" is not supported" },
    };

    private static string BodyOf(string name) => name switch
    {
        "empty" => "",
        "two values" => Valid + " " + Valid,
        "array" => "[" + Valid + "]",
        "truncated" => Valid[..^1],
        "id is a number" => Valid.Replace("\"id\":\"good\"", "\"id\":5", StringComparison.Ordinal),
        "parts is an object" => Valid.Replace("\"parts\":[{\"kind\":\"text\",\"text\":\"x\"}]", "\"parts\":{\"kind\":\"text\"}", StringComparison.Ordinal),
        "bad message id" => Api.RoomMessage("-x"),
        "bad sender id" => Api.RoomMessage("m1", from: "a b"),
        "bad room id" => Api.RoomMessage("m1", room: "r/../x"),
        "empty parts" => """{"id":"m1","target":{"kind":"room","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[]}""",
        "missing sender" => """{"id":"m1","target":{"kind":"room","room_id":"r"},"from":{"type":"agent"},"parts":[{"kind":"text"}]}""",
        "unknown part kind" => """{"id":"m1","target":{"kind":"room","room_id":"r"},"from":{"type":"agent","id":"a"},"parts":[{"kind":"video"}]}""",
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Bad_message_bodies_get_the_spec_error_and_change_nothing(string name, int status, string code, string message)
    {
        (await f.Http.PostAsync("/v1/messages", BodyOf(name))).AssertError(status, code, message);
        await AssertUnchangedAndHealthy();
    }

    [Fact]
    public async Task A_body_of_one_mebibyte_plus_one_byte_is_refused_and_exactly_one_mebibyte_is_accepted()
    {
        var exact = Encoding.UTF8.GetBytes(Api.RoomMessage("exactly-1mib").PadRight(MiB));
        Assert.Equal(MiB, exact.Length);
        (await f.Http.PostBytesAsync("/v1/messages", [.. exact, (byte)' '])).AssertError(400, "bad_request", "request body too large");
        await AssertUnchangedAndHealthy();
        Assert.Equal(202, (await f.Http.PostBytesAsync("/v1/messages", exact)).Status);
        Assert.Contains("exactly-1mib", await f.Http.HistoryAsync("/v1/rooms/r/messages"));
    }

    [Fact]
    public async Task Invalid_utf8_and_ten_thousand_deep_nesting_are_refused()
    {
        var utf8 = Encoding.UTF8.GetBytes(Api.RoomMessage("m1", text: "@@"));
        var at = Array.IndexOf(utf8, (byte)'@');
        utf8[at] = 0xC3;
        utf8[at + 1] = 0x28;
        (await f.Http.PostBytesAsync("/v1/messages", utf8)).AssertError(400, "bad_request", "request body must be valid UTF-8");

        var deep = new StringBuilder(Valid[..^1]).Append(",\"x\":");
        deep.Append('[', 10_000).Append(']', 10_000).Append('}');
        (await f.Http.PostAsync("/v1/messages", deep.ToString())).AssertError(400, "bad_request", "invalid JSON: nesting too deep");
        await AssertUnchangedAndHealthy();
    }

    [Fact]
    public async Task Unknown_fields_are_ignored()
    {
        var body = Valid.Replace("\"id\":\"good\"", "\"id\":\"with-extras\",\"colour\":{\"deep\":[1,2,{\"x\":null}]}", StringComparison.Ordinal);
        Assert.Equal(202, (await f.Http.PostAsync("/v1/messages", body)).Status);
        Assert.Contains("with-extras", await f.Http.HistoryAsync("/v1/rooms/r/messages"));
    }

    [Theory]
    [InlineData("/v1/rooms/bad%20id", 422, "unprocessable_entity")]
    [InlineData("/v1/rooms/r/messages?before=a&after=b", 422, "unprocessable_entity")]
    [InlineData("/v1/rooms/r/messages?before=nope", 422, "unprocessable_entity")]
    [InlineData("/v1/threads/unknown-thread", 404, "not_found")]
    public async Task Bad_ids_and_cursors_on_reads_get_the_spec_error(string path, int status, string code)
    {
        (await f.Http.GetAnswerAsync(path)).AssertError(status, code);
        await AssertUnchangedAndHealthy();
    }

    /// <summary>No bad request stored anything (only messages the catalogue accepts on purpose) and the server still
    /// serves: health, a valid write, and its event reaching a fresh stream.</summary>
    private async Task AssertUnchangedAndHealthy()
    {
        var history = await f.Http.HistoryAsync("/v1/rooms/r/messages");
        Assert.DoesNotContain("m1", history);
        Assert.DoesNotContain("-x", history);
        Assert.False(f.Server.HasExited, f.Server.Output);
        Assert.Equal(200, (await f.Http.GetAnswerAsync("/healthz")).Status);
        Assert.Equal(200, (await f.Http.GetAnswerAsync("/readyz")).Status);
        await using var sse = await SseClient.ConnectAsync(f.Http);
        var probe = "probe-" + Guid.NewGuid().ToString("N");
        Assert.Equal(202, (await f.Http.PostAsync("/v1/messages", Api.RoomMessage(probe))).Status);
        var frame = await sse.NextEventAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("message.created", frame.Event);
        Assert.Equal(probe, Api.MessageId(frame.Data!));
    }
}
