using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moltnet.NodeClient.Configuration;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>
/// The control loop (spec node-and-cli §3): <c>pi</c>, and <c>picoclaw</c>/<c>tinyclaw</c> with a <c>control_url</c>.
/// POST <c>{context_id, from, message, to}</c> (15 s, Bearer <c>runtime.token</c>); non-2xx fails the wake; the answer
/// <c>{from, message}</c> (≤1 MiB) is published only by <c>pi</c> — the others reply through the skill.
/// </summary>
public sealed class ControlLoopRuntime(RuntimeContext context) : IRuntimeAdapter
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);
    private const int MaxResponseBytes = 1 << 20;

    public async Task<Task> DeliverAsync(Wake wake, CancellationToken ct)
    {
        var body = await PostAsync(wake.ContextId, Daemon.Prompts.SenderName(wake.Message.From), Daemon.Prompts.Control(wake.Message), ct);
        if (context.Attachment.Runtime.Kind == RuntimeKinds.Pi && ParseMessage(body) is { } reply)
            await context.Publisher.PublishAsync(CommandRuntime.ReplyTarget(wake.Message.Target), reply, ct);
        return Task.CompletedTask;
    }

    public BootstrapTiming Bootstrap => BootstrapTiming.AfterReady;

    /// <summary>Sender <c>Moltnet Bootstrap</c>, guidance plus the bootstrap JSON line. Its answer is never published (even
    /// pi's): the guidance tells the agent nothing is sent automatically.</summary>
    public Task BootstrapAsync(BootstrapWake wake, CancellationToken ct) =>
        PostAsync(wake.ContextId, Daemon.Prompts.BootstrapSender, Daemon.Prompts.ControlBootstrap(wake.NetworkId, wake.RoomId), ct);

    /// <summary>POSTs <c>{context_id, from, message, to}</c>; returns the answer's body.</summary>
    private async Task<string> PostAsync(string contextId, string from, string message, CancellationToken ct)
    {
        var rt = context.Attachment.Runtime;
        var payload = new JsonObject
        {
            ["context_id"] = contextId,
            ["from"] = from,
            ["message"] = message,
            ["to"] = context.Attachment.Agent.Id,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, rt.ControlUrl)
        {
            Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (rt.Token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", rt.Token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        using var response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var body = await ReadBoundedAsync(response.Content, timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{rt.Kind} control {Daemon.Preflight.Redact(rt.ControlUrl)} returned {(int)response.StatusCode}: {body.Trim()}");
        return body;
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxResponseBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
        if (total > MaxResponseBytes) throw new InvalidOperationException("control response exceeds 1 MiB");
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static string? ParseMessage(string body)
    {
        if (body.Trim().Length == 0) return null;
        try
        {
            return JsonNode.Parse(body)?["message"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"control response is not JSON: {e.Message}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
