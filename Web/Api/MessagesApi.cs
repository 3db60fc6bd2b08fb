using Moltnet.Configuration;
using Moltnet.Runtime;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;

namespace Moltnet.Web.Api;

/// <summary><c>POST /v1/messages</c> (spec §2.5).</summary>
public static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessages(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/messages", async (HttpContext http, IGrainFactory grains, IMessageIdLookahead lookahead) =>
            {
                var body = await JsonBody.ReadAsync<SendMessageRequest>(http.Request);
                // The duplicate check of a client-chosen id runs now, while the post waits for its conversation's turn.
                using var lookup = lookahead.Start(body.Id);
                var grain = grains.GetGrain<IConversationGrain>(ConversationKey.For(body.Target));
                // The store commit is durable before we answer; a client that disconnects does not cancel it.
                var pending = await grain.PostAsync(http.Caller(), body, CancellationToken.None);
                return Reply.Accepted(await pending.Committed);
            })
            .WithMetadata(new RouteAccess([Scopes.Write, Scopes.Pair], PublicRead: false, RouteAccess.OpenMode))
            .RequireRateLimiting(RateLimits.Send);
        return app;
    }
}
