using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Moltnet.Configuration;
using Moltnet.Runtime;
using Moltnet.Web.Auth;
using Moltnet.Web.Http;

namespace Moltnet.Web.Nodes;

/// <summary>Remote node routes (docs/api.md "Remote nodes"): the node gateway WebSocket <c>/ws</c> (auth in the first
/// frame), device tokens (admin), the inventory (observe, admin or exec), conversation selection and exec. Exec needs
/// the <c>exec</c> scope, which no other scope implies.</summary>
public static class NodesApi
{
    public static IServiceCollection AddMoltnetNodes(this IServiceCollection services)
    {
        services.AddSingleton<NodeGateway>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeGateway>());
        return services;
    }

    public static IEndpointRouteBuilder MapNodes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ws", Gateway).AllowAnyone().RequireRateLimiting(RateLimits.Attach);

        var nodes = app.MapGroup("/v1/nodes");
        nodes.MapPost("/tokens", async (HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
            {
                var body = await JsonBody.ReadAsync<CreateDeviceTokenRequest>(http.Request);
                return Reply.Created(await Inventory(grains, config).CreateTokenAsync(body.Name, body.NodeId, http.RequestAborted));
            })
            .RequireScopes(Scopes.Admin);
        nodes.MapGet("/tokens", async (HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
                Reply.Ok(await Inventory(grains, config).ListTokensAsync(http.RequestAborted)))
            .RequireScopes(Scopes.Admin);
        nodes.MapGet("", async (HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
                Reply.Ok(await Inventory(grains, config).ListAsync(http.RequestAborted)))
            .RequireScopes(Scopes.Observe, Scopes.Admin, Scopes.Exec);
        nodes.MapGet("/selection", async (HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
                Reply.Ok(await Inventory(grains, config).SelectionAsync(http.Request.Query["conversation_id"].ToString(), http.RequestAborted)))
            .RequireScopes(Scopes.Observe, Scopes.Admin, Scopes.Exec);
        nodes.MapPut("/selection", async (HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
            {
                var body = await JsonBody.ReadAsync<NodeSelection>(http.Request);
                if (string.IsNullOrWhiteSpace(body.ConversationId)) throw MoltnetException.BadRequest("conversation_id is required");
                return Reply.Ok(await Inventory(grains, config).SelectAsync(body.ConversationId.Trim(), body.NodeId, http.RequestAborted));
            })
            .RequireScopes(Scopes.Admin, Scopes.Exec);
        nodes.MapGet("/{node}", async (string node, HttpContext http, IGrainFactory grains, MoltnetConfig config) =>
                Reply.Ok(await Inventory(grains, config).DescribeAsync(Uri.UnescapeDataString(node), http.RequestAborted)))
            .RequireScopes(Scopes.Observe, Scopes.Admin, Scopes.Exec);
        nodes.MapPost("/{node}/revoke", async (string node, HttpContext http, NodeGateway gateway) =>
                Reply.Ok(await gateway.RevokeAsync(Uri.UnescapeDataString(node), http.Caller().Identity, http.RequestAborted)))
            .RequireScopes(Scopes.Admin);

        app.MapPost("/v1/exec", Exec).RequireScopes(Scopes.Exec);
        app.MapPost("/v1/exec/{execId}/cancel", async (string execId, HttpContext http, NodeGateway gateway) =>
            {
                if (!Ids.IsValid(execId)) throw MoltnetException.BadRequest($"invalid exec id \"{execId}\"");
                await gateway.CancelAsync(execId, http.RequestAborted);
                return Reply.Accepted(new StatusBody("cancelling"));
            })
            .RequireScopes(Scopes.Exec);
        return app;
    }

    private static INodeInventoryGrain Inventory(IGrainFactory grains, MoltnetConfig config) =>
        grains.GetGrain<INodeInventoryGrain>(config.Network.Id);

    private static async Task Gateway(HttpContext http, NodeGateway gateway)
    {
        if (!http.WebSockets.IsWebSocketRequest) throw MoltnetException.BadRequest("the node gateway requires a WebSocket upgrade");
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var session = new NodeSession(gateway, socket, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
        await session.RunAsync();
    }

    /// <summary><c>POST /v1/exec</c>: NDJSON frames (<c>started</c>, <c>chunk</c>…, <c>result</c>), or one JSON result
    /// with <c>"stream": false</c>. Errors found before the command starts use the normal error envelope.</summary>
    private static async Task Exec(HttpContext http, NodeGateway gateway)
    {
        var request = await JsonBody.ReadAsync<ExecRequest>(http.Request);
        var (node, execId, args) = await gateway.PrepareAsync(request, http.RequestAborted);
        var call = new ExecCall(request, http.Caller().Identity);
        var ct = http.RequestAborted;
        if (request.Stream == false)
        {
            var whole = await gateway.ExecAsync(call, node, execId, args, _ => Task.CompletedTask, ct);
            await WireResult<ExecResult>.Write(http, whole, StatusCodes.Status200OK);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/x-ndjson";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var write = new SemaphoreSlim(1, 1);
        async Task Frame(ExecFrame frame)
        {
            await write.WaitAsync(CancellationToken.None);
            try
            {
                await http.Response.Body.WriteAsync(MoltnetJson.SerializeToUtf8(frame), ct);
                await http.Response.Body.WriteAsync("\n"u8.ToArray(), ct);
                await http.Response.Body.FlushAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // the client went away: the request token cancels the command
            }
            finally
            {
                write.Release();
            }
        }
        await Frame(new ExecFrame { Type = "started", ExecId = execId, NodeId = node.NodeId });
        var result = await gateway.ExecAsync(call, node, execId, args,
            c => Frame(new ExecFrame { Type = "chunk", ExecId = execId, NodeId = node.NodeId, Stream = c.Stream, Seq = c.Seq, Data = c.Data }), ct);
        await Frame(new ExecFrame { Type = "result", ExecId = execId, NodeId = node.NodeId, Result = result });
    }
}
