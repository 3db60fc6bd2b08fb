using Moltnet.Configuration;
using Moltnet.Runtime;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;

namespace Moltnet.Web.Api;

/// <summary>Message history, threads, DMs and artifacts (spec §2.3, §2.4).</summary>
public static class HistoryApi
{
    public static IEndpointRouteBuilder MapHistory(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/rooms/{roomId}/messages", (string roomId, HttpContext http, IGrainFactory g, MoltnetConfig c) =>
                Run(http, H(g, c).RoomMessagesAsync(http.Caller(), Paging.RequireId(roomId, "room"), Paging.From(http.Request), http.RequestAborted)))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin);
        app.MapGet("/v1/rooms/{roomId}/threads", (string roomId, HttpContext http, IGrainFactory g, MoltnetConfig c) =>
                Run(http, H(g, c).RoomThreadsAsync(http.Caller(), Paging.RequireId(roomId, "room"), Paging.From(http.Request), http.RequestAborted)))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin);
        app.MapGet("/v1/threads/{threadId}", (string threadId, HttpContext http, IGrainFactory g, MoltnetConfig c) =>
                Run(http, H(g, c).ThreadAsync(http.Caller(), Paging.RequireId(threadId, "thread"), http.RequestAborted)))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin);
        app.MapGet("/v1/threads/{threadId}/messages", (string threadId, HttpContext http, IGrainFactory g, MoltnetConfig c) =>
                Run(http, H(g, c).ThreadMessagesAsync(http.Caller(), Paging.RequireId(threadId, "thread"), Paging.From(http.Request), http.RequestAborted)))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin);
        app.MapGet("/v1/dms", (HttpContext http, IGrainFactory g, MoltnetConfig c) =>
                Run(http, H(g, c).DmsAsync(http.Caller(), Paging.From(http.Request), http.RequestAborted)))
            .RequireScopes(Scopes.Observe, Scopes.Admin);
        app.MapGet("/v1/dms/{dmId}", (string dmId, HttpContext http, IGrainFactory g, MoltnetConfig c) =>
                Run(http, H(g, c).DmAsync(http.Caller(), Paging.RequireId(dmId, "dm"), http.RequestAborted)))
            .RequireScopes(Scopes.Observe, Scopes.Admin);
        app.MapGet("/v1/dms/{dmId}/messages", (string dmId, HttpContext http, IGrainFactory g, MoltnetConfig c) =>
                Run(http, H(g, c).DmMessagesAsync(http.Caller(), Paging.RequireId(dmId, "dm"), Paging.From(http.Request), http.RequestAborted)))
            .RequireScopes(Scopes.Observe, Scopes.Admin);
        app.MapGet("/v1/artifacts", (HttpContext http, IGrainFactory g, MoltnetConfig c) =>
            {
                var q = http.Request.Query;
                string? Filter(string key, string what) => string.IsNullOrEmpty(q[key]) ? null : Paging.RequireId(q[key]!, what);
                return Run(http, H(g, c).ArtifactsAsync(http.Caller(), Filter("room_id", "room"), Filter("thread_id", "thread"),
                    Filter("dm_id", "dm"), Paging.From(http.Request), http.RequestAborted));
            })
            .RequireScopes(Scopes.Observe, Scopes.Admin);
        return app;
    }

    private static IHistoryGrain H(IGrainFactory grains, MoltnetConfig config) => grains.GetGrain<IHistoryGrain>(config.Network.Id);

    private static async Task<IResult> Run<T>(HttpContext http, ValueTask<T> read) => Reply.Ok(await read);
}
