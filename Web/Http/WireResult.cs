using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Moltnet.Web.Http;

/// <summary>A JSON response serialized with the wire context, newline-terminated as the spec requires.</summary>
public sealed class WireResult<T>(T value, int status) : IResult
{
    /// <summary>A writer escapes by its own options, not the serializer's: the wire context's relaxed escaping.</summary>
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = MoltnetJson.Options.Encoder,
        Indented = MoltnetJson.Options.WriteIndented,
    };

    public Task ExecuteAsync(HttpContext http) => Write(http, value, status);

    public static async Task Write(HttpContext http, T value, int status)
    {
        var info = (JsonTypeInfo<T>)MoltnetJson.Context.GetTypeInfo(typeof(T))!;
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        // Straight into the response pipe's pooled buffers, with the newline, in one flush.
        var pipe = http.Response.BodyWriter;
        using (var json = new Utf8JsonWriter(pipe, WriterOptions)) JsonSerializer.Serialize(json, value, info);
        pipe.Write("\n"u8);
        await pipe.FlushAsync(http.RequestAborted);
    }
}

/// <summary>Shorthands for wire responses.</summary>
public static class Reply
{
    public static WireResult<T> Ok<T>(T value) => new(value, StatusCodes.Status200OK);
    public static WireResult<T> Created<T>(T value) => new(value, StatusCodes.Status201Created);
    public static WireResult<T> Accepted<T>(T value) => new(value, StatusCodes.Status202Accepted);
}
