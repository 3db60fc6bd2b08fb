using System.Collections;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Moltnet.Web.Http;

/// <summary>Echoes a valid inbound <c>X-Request-Id</c> or mints <c>req_</c>+16 hex; sets it on every response and opens a
/// <c>RequestId</c> logging scope around the rest of the pipeline, so every log line of the request carries it.</summary>
public static partial class RequestIds
{
    public const string Header = "X-Request-Id";

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}\z")]
    private static partial Regex Valid();

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Moltnet.Web");
        return app.Use(async (http, next) =>
        {
            var inbound = http.Request.Headers[Header].ToString();
            var id = Valid().IsMatch(inbound) ? inbound : "req_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            http.TraceIdentifier = id;
            http.Response.Headers[Header] = id;
            using (logger.BeginScope(new RequestIdScope(id)))
                await next(http);
        });
    }

    /// <summary>The scope state: one <c>RequestId</c> property, shown as <c>RequestId:req_…</c> in text logs.</summary>
    private sealed class RequestIdScope(string id) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new("RequestId", id) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "RequestId:" + id;
    }
}
