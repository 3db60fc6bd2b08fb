using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>
/// <c>kind: webhook</c>: POSTs each wake to <c>url</c> as JSON <c>{network_id, agent_id, agent_name, context_id, chat_id,
/// session_key, prompt, message}</c> (Bearer <c>runtime.token</c> if set). A 2xx answer accepts the wake. With
/// <c>auto_publish: true</c>, a JSON answer's <c>reply</c> (or <c>text</c>) string, or a plain-text body, is posted as the
/// agent's reply to the same conversation.
/// </summary>
public sealed class WebhookRuntime(RuntimeContext context) : IRuntimeAdapter
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public async Task<Task> DeliverAsync(Wake wake, CancellationToken ct)
    {
        var rt = context.Attachment.Runtime;
        var payload = new JsonObject
        {
            ["network_id"] = context.NetworkId,
            ["agent_id"] = context.Attachment.Agent.Id,
            ["agent_name"] = context.Attachment.Agent.Name,
            ["context_id"] = wake.ContextId,
            ["chat_id"] = wake.ChatId,
            ["session_key"] = wake.ContextId["moltnet:".Length..],
            ["prompt"] = wake.Prompt,
            ["message"] = JsonNode.Parse(MoltnetJson.Serialize(wake.Message)),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, rt.Url)
        {
            Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (rt.Token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", rt.Token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        using var response = await context.Http.SendAsync(request, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"webhook {Daemon.Preflight.Redact(rt.Url)} returned {(int)response.StatusCode}: {Shorten(body)}");
        if (rt.AutoPublish is true && Reply(response.Content.Headers.ContentType?.MediaType, body) is { } reply)
            await context.Publisher.PublishAsync(CommandRuntime.ReplyTarget(wake.Message.Target), reply, ct);
        return Task.CompletedTask;
    }

    private static string? Reply(string? mediaType, string body)
    {
        if (mediaType is not null && mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var node = JsonNode.Parse(body) as JsonObject;
                return (node?["reply"] ?? node?["text"]) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return body;
    }

    private static string Shorten(string body) => body.Length <= 300 ? body.Trim() : body[..300].Trim() + "…";

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
