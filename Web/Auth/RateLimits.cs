using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Moltnet.Configuration;
using Moltnet.Web.Http;

namespace Moltnet.Web.Auth;

/// <summary>Per-identity rate limits on registration, attach and send (improvements.md server 14). Zero disables a limit.
/// Rejections answer 429 in the error envelope with <c>Retry-After</c>.</summary>
public static class RateLimits
{
    public const string Register = "register";
    public const string Attach = "attach";
    public const string Send = "send";

    public static IServiceCollection AddMoltnetRateLimits(this IServiceCollection services, LimitsSection limits) =>
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Register, http => PerMinute(http, limits.RegisterPerMinute));
            o.AddPolicy(Attach, http => PerMinute(http, limits.AttachPerMinute));
            o.AddPolicy(Send, http => limits.SendPerSecond <= 0
                ? RateLimitPartition.GetNoLimiter("none")
                : RateLimitPartition.GetTokenBucketLimiter(http.Caller().Identity, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.SendPerSecond,
                    TokensPerPeriod = limits.SendPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
            o.OnRejected = async (context, _) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ErrorEnvelope.WriteAsync(context.HttpContext, 429, "rate limit exceeded; retry later");
            };
        });

    private static RateLimitPartition<string> PerMinute(HttpContext http, int perMinute) => perMinute <= 0
        ? RateLimitPartition.GetNoLimiter("none")
        : RateLimitPartition.GetFixedWindowLimiter(http.Caller().Identity, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}
