using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Moltnet.Web.Http;

/// <summary>Maps failures to <c>{error, code, request_id}</c>. 5xx bodies carry only the reason phrase.</summary>
public static class ErrorEnvelope
{
    /// <summary>Lets the host classify exceptions from lower layers (e.g. the store being unavailable → 503).</summary>
    public sealed class Classifier(Func<Exception, int?> statusFor)
    {
        public int? StatusFor(Exception e) => statusFor(e);
    }

    public static IApplicationBuilder UseErrorEnvelope(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        try
        {
            await next(http);
        }
        catch (MoltnetException e) when (!http.Response.HasStarted)
        {
            await WriteAsync(http, e.Status, e.Message);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var status = http.RequestServices.GetService<Classifier>()?.StatusFor(e) ?? 500;
            Log.RequestFailed(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Moltnet.Web"), e, http.TraceIdentifier, status);
            await WriteAsync(http, status, "");
        }
    });

    public static Task WriteAsync(HttpContext http, int status, string message)
    {
        var text = status >= 500 ? ReasonPhrase(status) : message;
        var retryAfter = http.Response.Headers.RetryAfter;
        http.Response.Clear();
        http.Response.Headers[RequestIds.Header] = http.TraceIdentifier;
        if (retryAfter.Count > 0) http.Response.Headers.RetryAfter = retryAfter;
        return WireResult<ErrorBody>.Write(http, new ErrorBody(text, MoltnetException.CodeFor(status), http.TraceIdentifier), status);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        502 => "bad gateway",
        503 => "service unavailable",
        _ => "internal server error",
    };
}
