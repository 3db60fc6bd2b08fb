using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Moltnet.Web.Attach;

/// <summary>Accepts an attachment WebSocket over a <see cref="FrameBatchStream"/> so a burst of frames leaves in one write.
/// HTTP/1.1 upgrades do the RFC 6455 handshake here (what <c>AcceptWebSocketAsync</c> does, minus the stream it picks);
/// anything else (HTTP/2 extended CONNECT) goes through ASP.NET Core's accept and is not batched.</summary>
internal static class WebSocketUpgrade
{
    private const string Rfc6455Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Call after <c>IsWebSocketRequest</c> (which validated method, version and key).</summary>
    public static async Task<(WebSocket Socket, FrameBatchStream? Batch)> AcceptAsync(HttpContext http)
    {
        var upgrade = http.Features.Get<IHttpUpgradeFeature>();
        var key = http.Request.Headers.SecWebSocketKey.ToString();
        if (upgrade is not { IsUpgradableRequest: true } || key.Length == 0)
            return (await http.WebSockets.AcceptWebSocketAsync(), null);
        var options = http.RequestServices.GetRequiredService<IOptions<WebSocketOptions>>().Value;
        http.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();
        var headers = http.Response.Headers;
        headers.Connection = "Upgrade";
        headers.Upgrade = "websocket";
        headers.SecWebSocketAccept = AcceptKey(key);
        var transport = await upgrade.UpgradeAsync();
        var batch = new FrameBatchStream(transport);
        var socket = WebSocket.CreateFromStream(batch, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = options.KeepAliveInterval,
            KeepAliveTimeout = options.KeepAliveTimeout,
        });
        return (socket, batch);
    }

    internal static string AcceptKey(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Rfc6455Guid)));
}
