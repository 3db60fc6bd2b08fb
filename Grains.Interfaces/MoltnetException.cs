namespace Moltnet;

/// <summary>A failure with an HTTP status; the web layer maps it to the <c>{error, code, request_id}</c> envelope.</summary>
public sealed class MoltnetException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code => CodeFor(Status);

    public static string CodeFor(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        422 => "unprocessable_entity",
        429 => "too_many_requests",
        502 => "bad_gateway",
        503 => "service_unavailable",
        _ => "internal_error",
    };

    public static MoltnetException BadRequest(string m) => new(400, m);
    public static MoltnetException Unauthorized(string m) => new(401, m);
    public static MoltnetException Forbidden(string m) => new(403, m);
    public static MoltnetException NotFound(string m) => new(404, m);
    public static MoltnetException Conflict(string m) => new(409, m);
    public static MoltnetException Unprocessable(string m) => new(422, m);
    public static MoltnetException Unavailable() => new(503, "service unavailable");
}
