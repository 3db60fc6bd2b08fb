using System.Net.WebSockets;

namespace Moltnet.Web.Nodes;

// The connect handshake (remote-nodes.md §3): first frame connect within 10 s, protocol 4, a live device token whose
// node id is the one claimed; the role is always node.
public sealed partial class NodeSession
{
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private async Task<bool> HandshakeAsync(CancellationToken ct)
    {
        NodeFrame? frame;
        using (var first = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            first.CancelAfter(HandshakeTimeout);
            try
            {
                (frame, _, var closed) = await ReceiveAsync(first.Token);
                if (closed) return false;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await RejectAsync(null, NodeErrorCodes.ProtocolError, "connect expected within 10 s", ct);
                return false;
            }
        }
        if (frame is not { Type: "req", Method: "connect" })
        {
            await RejectAsync(frame?.Id, NodeErrorCodes.ProtocolError, "first frame must be a connect request", ct);
            return false;
        }
        var p = Params<ConnectParams>(frame);
        var (min, max) = (p?.Protocol?.Min ?? p?.MinProtocol ?? 0, p?.Protocol?.Max ?? p?.MaxProtocol ?? 0);
        if (p is null || min > NodeProtocol.Version || max < NodeProtocol.Version)
        {
            await RejectAsync(frame.Id, NodeErrorCodes.ProtocolError, $"protocol {NodeProtocol.Version} required", ct);
            return false;
        }
        var nodeId = p.Auth?.DeviceToken is { Length: > 0 } token ? await _gateway.AuthenticateAsync(token, ct) : null;
        if (nodeId is null)
        {
            await RejectAsync(frame.Id, NodeErrorCodes.Unauthorized, "invalid or revoked device token", ct);
            return false;
        }
        if (p.Client?.Id is { Length: > 0 } claimed && claimed != nodeId)
        {
            await RejectAsync(frame.Id, NodeErrorCodes.Forbidden, $"this device token belongs to node \"{nodeId}\", not \"{claimed}\"", ct);
            return false;
        }
        NodeId = nodeId;
        DisplayName = Trim(p.Client?.DisplayName, 100);
        var connect = new NodeConnect(ConnId, _gateway.ReplicaId, DisplayName, Trim(p.Client?.Platform, 40), Trim(p.Client?.Version, 40),
            _remoteIp, p.Extensions?.Moltis?.Policy);
        await _gateway.RegisterAsync(this, connect, ct);
        var hello = new HelloOk
        {
            Server = new HelloServer(Commands.Version, Environment.MachineName, ConnId),
            Auth = new HelloAuth("node", [DeviceTokens.Scope], nodeId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
        };
        await SendAsync(NodeFrame.Res(frame.Id ?? "", NodeProtocol.ToElement(hello)), ct);
        return true;
    }

    private async Task RejectAsync(string? id, string code, string message, CancellationToken ct)
    {
        try
        {
            await SendAsync(NodeFrame.Fail(id, code, message), ct);
            using var close = CancellationTokenSource.CreateLinkedTokenSource(ct);
            close.CancelAfter(TimeSpan.FromSeconds(2));
            await _socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, code, close.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }

    private static string? Trim(string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim().Length > max ? value.Trim()[..max] : value.Trim();

    private static class Commands
    {
        public static string Version => typeof(NodeSession).Assembly.GetName().Version?.ToString() ?? "0";
    }
}
