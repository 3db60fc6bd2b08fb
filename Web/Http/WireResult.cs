using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Moltnet.Web.Http;

/// <summary>A JSON response serialized with the wire context, newline-terminated as the spec requires.</summary>
public sealed class WireResult<T>(T value, int status) : IResult
{
    public Task ExecuteAsync(HttpContext http) => Write(http, value, status);

    public static async Task Write(HttpContext http, T value, int status)
    {
        var info = (JsonTypeInfo<T>)MoltnetJson.Context.GetTypeInfo(typeof(T))!;
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, info);
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
        await http.Response.Body.WriteAsync("\n"u8.ToArray(), http.RequestAborted);
    }
}

/// <summary>Shorthands for wire responses.</summary>
public static class Reply
{
    public static WireResult<T> Ok<T>(T value) => new(value, StatusCodes.Status200OK);
    public static WireResult<T> Created<T>(T value) => new(value, StatusCodes.Status201Created);
    public static WireResult<T> Accepted<T>(T value) => new(value, StatusCodes.Status202Accepted);
}
