using Moltnet.Configuration;
using Moltnet.Web.Assets;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;

namespace Moltnet.Web.Api;

/// <summary><c>GET /console</c> (307 to <c>/console/</c>) and <c>/console/*</c>: the embedded single-page console; client-side
/// routes (<c>/console/room/x</c>) get <c>index.html</c>. One route for both, because routing ignores a trailing slash.
/// The <c>?access_token</c> bootstrap runs earlier, in <see cref="ConsoleBootstrap"/>.</summary>
public static class ConsoleApi
{
    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/console/{**path}", [HttpMethods.Get, HttpMethods.Head], (string? path, HttpContext http, ConsoleAssets assets) =>
            {
                if (http.Request.Path.Value == "/console") return Results.Redirect("/console/", permanent: false, preserveMethod: true);
                var file = assets.Find(path ?? "");
                if (file is null) throw MoltnetException.NotFound($"unknown console file \"{path}\"");
                var headers = http.Response.Headers;
                headers.ETag = file.ETag;
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                if (http.Request.Headers.IfNoneMatch == file.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
                return Results.Bytes(file.Body, file.ContentType);
            })
            .AllowPublicRead(Scopes.Observe, Scopes.Admin);
        return app;
    }
}
