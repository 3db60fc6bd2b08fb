using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moltnet.NodeClient.Daemon;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>
/// <c>tinyclaw</c> queue mode (spec node-and-cli §3): a wake is POSTed to <c>inbound_url</c> as <c>{message, agent, sender,
/// senderId, channel, messageId}</c>; a poller GETs <c>outbound_url</c> every second and ACKs up to 20 pending responses per
/// poll (<c>POST &lt;ack_url&gt;/&lt;id&gt;/ack {}</c>) without publishing them — the agent speaks through the skill. Poll
/// errors are only logged. No sessions, no bootstrap wakes: TinyClaw has one interactive scope per agent.
/// </summary>
public sealed class TinyClawQueueRuntime : IRuntimeAdapter
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    public const int MaxAcksPerPoll = 20;

    private readonly RuntimeContext _context;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _poller;

    public TinyClawQueueRuntime(RuntimeContext context)
    {
        _context = context;
        _poller = Task.Run(PollLoopAsync);
    }

    public async Task<Task> DeliverAsync(Wake wake, CancellationToken ct)
    {
        var rt = _context.Attachment.Runtime;
        var m = wake.Message;
        if (Prompts.Body(m).Length == 0) throw new InvalidOperationException($"message {m.Id} has nothing tinyclaw can render");
        var payload = new JsonObject
        {
            ["message"] = wake.Prompt,
            ["agent"] = _context.Attachment.Agent.Id,
            ["sender"] = Prompts.SenderName(m.From),
            ["senderId"] = SenderId(m.Target),
            ["channel"] = rt.Channel,
            ["messageId"] = m.Id,
        };
        using var response = await SendAsync(HttpMethod.Post, rt.InboundUrl, payload, ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"tinyclaw {Preflight.Redact(rt.InboundUrl)} returned {(int)response.StatusCode}: {(await response.Content.ReadAsStringAsync(ct)).Trim()}");
        return Task.CompletedTask;
    }

    /// <summary><c>room:&lt;id&gt;</c>, <c>dm:&lt;id&gt;</c>, or <c>thread:&lt;room&gt;:&lt;thread&gt;:&lt;parent&gt;</c> (each escaped).</summary>
    public static string SenderId(Target t) => t.Kind switch
    {
        TargetKind.Dm => $"dm:{t.DmId}",
        TargetKind.Thread => $"thread:{Esc(t.RoomId)}:{Esc(t.ThreadId)}:{Esc(t.ParentMessageId)}",
        _ => $"room:{t.RoomId}",
    };

    private static string Esc(string? s) => Uri.EscapeDataString(s ?? "");

    private async Task PollLoopAsync()
    {
        using var timer = new PeriodicTimer(PollInterval, _context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await PollOnceAsync(_stop.Token);
                }
                catch (Exception e) when (!_stop.IsCancellationRequested)
                {
                    _context.Log.Warn("tinyclaw", "outbound poll failed", ("agent", _context.Attachment.Agent.Id), ("error", e.Message));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Drains (ACKs, discards) up to <see cref="MaxAcksPerPoll"/> pending responses.</summary>
    private async Task PollOnceAsync(CancellationToken ct)
    {
        var rt = _context.Attachment.Runtime;
        using var response = await SendAsync(HttpMethod.Get, rt.OutboundUrl, null, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {Preflight.Redact(rt.OutboundUrl)} returned {(int)response.StatusCode}");
        JsonArray pending;
        try
        {
            pending = JsonNode.Parse(body) as JsonArray ?? throw new InvalidOperationException("pending responses are not a JSON array");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"pending responses are not JSON: {e.Message}");
        }
        foreach (var item in pending.OfType<JsonObject>().Take(MaxAcksPerPoll))
        {
            var id = item["id"] is JsonValue v ? v.ToJsonString().Trim('"') : "";
            if (id.Length == 0) continue;
            using var ack = await SendAsync(HttpMethod.Post, $"{rt.AckUrl.TrimEnd('/')}/{Uri.EscapeDataString(id)}/ack", new JsonObject(), ct);
            if (!ack.IsSuccessStatusCode) throw new InvalidOperationException($"ACK of tinyclaw response {id} returned {(int)ack.StatusCode}");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, JsonNode? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var token = _context.Attachment.Runtime.Token;
        if (token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        return await _context.Http.SendAsync(request, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _poller;
        _stop.Dispose();
    }
}
