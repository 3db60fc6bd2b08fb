using System.Net;
using System.Net.Http.Headers;
using Moltnet.NodeClient.Configuration;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Daemon;

/// <summary>
/// The compatibility check of spec node-and-cli §2.2: <c>GET &lt;base&gt;/v1/network</c> must report the configured
/// network id, <c>moltnet.http.v1</c> and <c>moltnet.attach.v1</c> (or the legacy capability flags), WebSocket
/// attachments, and direct messages when an attachment enables them.
/// </summary>
public static class Preflight
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Null when the server fits the attachment; else the reason.</summary>
    /// <exception cref="PreflightUnreachableException">The server could not be reached (worth retrying).</exception>
    public static async Task<string?> CheckAsync(HttpClient http, string baseUrl, string networkId, string? token, bool needsDms, CancellationToken ct)
    {
        var url = baseUrl.TrimEnd('/') + "/v1/network";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await http.SendAsync(request, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or (OperationCanceledException and not TaskCanceledException { CancellationToken.IsCancellationRequested: false }) && !ct.IsCancellationRequested)
        {
            throw new PreflightUnreachableException($"moltnet compatibility check failed for {Redact(url)}: {e.Message}", e);
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                return $"moltnet compatibility check failed for {Redact(url)}: credentials cannot read compatibility metadata; required scopes: observe, pair, or attach";
            if ((int)response.StatusCode >= 500)
                throw new PreflightUnreachableException($"moltnet compatibility check failed for {Redact(url)}: status {(int)response.StatusCode}: {body.Trim()}", null);
            if (!response.IsSuccessStatusCode)
                return $"moltnet compatibility check failed for {Redact(url)}: status {(int)response.StatusCode}: {body.Trim()}";
        }
        Network? network;
        try
        {
            network = MoltnetJson.Deserialize<Network>(body);
        }
        catch (System.Text.Json.JsonException e)
        {
            return $"moltnet compatibility check failed for {Redact(url)}: invalid network document: {e.Message}";
        }
        if (network is null) return $"moltnet compatibility check failed for {Redact(url)}: empty network document";
        var issues = Issues(network, networkId, needsDms);
        return issues.Count == 0 ? null : $"moltnet compatibility check failed for {Redact(url)}: {string.Join("; ", issues)}";
    }

    /// <summary>The problems of a network document for one attachment, in the spec's order.</summary>
    public static List<string> Issues(Network network, string networkId, bool needsDms)
    {
        var issues = new List<string>();
        if (network.Id != networkId) issues.Add($"network id mismatch: expected \"{networkId}\", reported \"{network.Id}\"");
        var p = network.Protocols;
        var legacy = p is null || (p.Http is null && p.Attach is null);
        var caps = network.Capabilities;
        if (legacy)
        {
            if (caps?.MessagePagination != "cursor") issues.Add($"protocols.http does not include {Protocols.HttpV1}");
        }
        else
        {
            if (p!.Http is null || !p.Http.Contains(Protocols.HttpV1)) issues.Add($"protocols.http does not include {Protocols.HttpV1}");
            if (p.Attach is null || !p.Attach.Contains(Protocols.AttachV1)) issues.Add($"protocols.attach does not include {Protocols.AttachV1}");
        }
        if (caps?.AttachmentProtocol != "websocket") issues.Add($"capabilities.attachment_protocol is \"{caps?.AttachmentProtocol}\", not \"websocket\"");
        if (needsDms && caps is { DirectMessages: false }) issues.Add("direct messages are enabled for this attachment but the network disables them");
        return issues;
    }

    /// <summary>The URL without user info or query (tokens never reach logs).</summary>
    public static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Path) : url;

    /// <summary>Whether the attachment needs DMs from the network.</summary>
    public static bool NeedsDms(NodeAttachment a) => a.Dms.Enabled && a.Dms.Wake != WakeModes.Never;
}

/// <summary>The server did not answer the compatibility check (down, starting, or failing with 5xx).</summary>
public sealed class PreflightUnreachableException(string message, Exception? inner) : Exception(message, inner);
