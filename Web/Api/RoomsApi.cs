using Moltnet.Configuration;
using Moltnet.Runtime;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;

namespace Moltnet.Web.Api;

/// <summary>Room routes (spec §2.4 Rooms).</summary>
public static class RoomsApi
{
    public static IEndpointRouteBuilder MapRooms(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/v1/rooms");
        rooms.MapGet("", async (HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
                Reply.Ok(await grains.GetGrain<INetworkGrain>(config.Network.Id)
                    .ListRoomsAsync(http.Caller(), Paging.From(http.Request), http.RequestAborted)))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin, Scopes.Pair);
        rooms.MapGet("/{roomId}", async (string roomId, HttpContext http, IGrainFactory grains) =>
                Reply.Ok(await Room(grains, roomId).GetAsync(http.Caller(), http.RequestAborted)))
            .AllowPublicRead(Scopes.Observe, Scopes.Admin);
        rooms.MapPost("", async (HttpContext http, IGrainFactory grains) =>
            {
                var body = await JsonBody.ReadAsync<CreateRoomRequest>(http.Request);
                return Reply.Created(await grains.GetGrain<IRoomGrain>(body.Id?.Trim() ?? "").CreateAsync(body, http.RequestAborted));
            })
            .RequireScopes(Scopes.Admin);
        rooms.MapPatch("/{roomId}/members", async (string roomId, HttpContext http, IGrainFactory grains) =>
            {
                var body = await JsonBody.ReadAsync<UpdateMembersRequest>(http.Request);
                return Reply.Ok(await Room(grains, roomId).UpdateMembersAsync(body, http.RequestAborted));
            })
            .RequireScopes(Scopes.Admin);
        rooms.MapDelete("/{roomId}", async (string roomId, HttpContext http, IGrainFactory grains) =>
            {
                var mode = http.Request.Query["mode"].ToString();
                if (mode is not ("" or "soft" or "purge")) throw MoltnetException.Unprocessable($"invalid mode \"{mode}\": must be soft or purge");
                var room = Room(grains, roomId);
                return Reply.Ok(mode == "purge" ? await room.PurgeAsync(CancellationToken.None) : await room.RemoveAsync(http.RequestAborted));
            })
            .RequireScopes(Scopes.Admin);
        rooms.MapPost("/{roomId}/restore", async (string roomId, HttpContext http, IGrainFactory grains) =>
                Reply.Ok(await Room(grains, roomId).RestoreAsync(http.RequestAborted)))
            .RequireScopes(Scopes.Admin);
        return app;
    }

    /// <summary>The grain of a room id from the path, after the ID grammar check (422).</summary>
    public static IRoomGrain Room(IGrainFactory grains, string roomId) =>
        grains.GetGrain<IRoomGrain>(Paging.RequireId(roomId, "room"));
}

/// <summary>Query-string helpers shared by the list routes.</summary>
public static class Paging
{
    public static PageQuery From(HttpRequest request) =>
        PageQuery.Parse(request.Query["limit"], request.Query["before"], request.Query["after"]);

    public static string RequireId(string raw, string what)
    {
        var id = Uri.UnescapeDataString(raw).Trim();
        return Ids.IsValid(id) ? id : throw MoltnetException.Unprocessable($"invalid {what} id \"{id}\"");
    }
}
