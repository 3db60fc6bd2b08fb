using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Moltnet.Web.Http;

/// <summary>Echoes a valid inbound <c>X-Request-Id</c> or mints <c>req_</c>+16 hex; sets it on every response.</summary>
public static partial class RequestIds
{
    public const string Header = "X-Request-Id";

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}\z")]
    private static partial Regex Valid();

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var inbound = http.Request.Headers[Header].ToString();
        var id = Valid().IsMatch(inbound) ? inbound : "req_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        http.TraceIdentifier = id;
        http.Response.Headers[Header] = id;
        await next(http);
    });
}
