using System.Text;
using System.Text.Unicode;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Moltnet.Web.Http;

/// <summary>Reads a request body as exactly one JSON object of at most 1 MiB of valid UTF-8 (spec §0).</summary>
public static class JsonBody
{
    public const int MaxBytes = 1 << 20;

    public static async Task<T> ReadAsync<T>(HttpRequest request)
    {
        if (request.ContentLength > MaxBytes) throw MoltnetException.BadRequest("request body too large");
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBytes) throw MoltnetException.BadRequest("request body too large");
            buffer.Write(chunk, 0, read);
        }
        return Parse<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public static T Parse<T>(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body)) throw MoltnetException.BadRequest("request body must be valid UTF-8");
        if (body.Trim(" \t\r\n"u8).IsEmpty) throw MoltnetException.BadRequest("request body is required");
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64, AllowMultipleValues = true });
        try
        {
            if (!reader.Read()) throw MoltnetException.BadRequest("request body is required");
            if (reader.TokenType != JsonTokenType.StartObject) throw MoltnetException.BadRequest("expected a single JSON object");
            reader.Skip();
            var end = (int)reader.BytesConsumed;
            if (reader.Read()) throw MoltnetException.BadRequest("expected a single JSON object");
            var info = (JsonTypeInfo<T>)MoltnetJson.Context.GetTypeInfo(typeof(T))!;
            return JsonSerializer.Deserialize(body[..end], info) ?? throw MoltnetException.BadRequest("expected a single JSON object");
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            // Only the reader's depth limit is "too deep" (a truncated body's "expected depth to be zero" is not), and a
            // wrong type is named as such instead of leaking .NET type names.
            throw MoltnetException.BadRequest(e.Message.Contains("maximum configured depth", StringComparison.Ordinal)
                ? "invalid JSON: nesting too deep"
                : e.Message.Contains("could not be converted", StringComparison.Ordinal)
                    ? $"invalid JSON{where}: wrong value type"
                    : $"invalid JSON{where}: {FirstSentence(e.Message)}");
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }
}
