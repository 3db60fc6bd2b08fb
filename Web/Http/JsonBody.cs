using System.Buffers;
using System.Text.Unicode;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Moltnet.Web.Http;

/// <summary>Reads a request body as exactly one JSON object of at most 1 MiB of valid UTF-8 (spec §0).</summary>
public static class JsonBody
{
    public const int MaxBytes = 1 << 20;

    /// <summary>Reads the whole body from the request's pipe (Kestrel's pooled buffers: nothing is copied unless the body
    /// arrived in several segments, and then into a pooled array) and parses it with <see cref="Parse{T}(ReadOnlySpan{byte})"/>.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request)
    {
        if (request.ContentLength > MaxBytes) throw MoltnetException.BadRequest("request body too large");
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(request.HttpContext.RequestAborted);
            var body = result.Buffer;
            if (body.Length > MaxBytes)
            {
                reader.AdvanceTo(body.Start);
                throw MoltnetException.BadRequest("request body too large");
            }
            if (!result.IsCompleted)
            {
                reader.AdvanceTo(body.Start, body.End); // nothing consumed, all of it examined: wait for more
                continue;
            }
            try
            {
                return Parse<T>(body);
            }
            finally
            {
                reader.AdvanceTo(body.End);
            }
        }
    }

    private static T Parse<T>(ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment) return Parse<T>(body.FirstSpan);
        var length = (int)body.Length;
        var copy = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(copy);
            return Parse<T>(copy.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
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
