using System.Net.Http.Headers;
using System.Text;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Daemon;

/// <summary>Auto-publish (spec node-and-cli §3): <c>POST /v1/messages {target, from:{type:"agent",id,name}, parts:[text]}</c>.</summary>
public sealed class MoltnetPublisher(HttpClient http, string baseUrl, string agentId, string agentName, Func<string?> token)
{
    /// <summary>Posts <paramref name="text"/> to <paramref name="target"/> as the agent; nothing when the text is blank.</summary>
    public async Task<bool> PublishAsync(Target target, string text, CancellationToken ct)
    {
        text = text.Trim();
        if (text.Length == 0) return false;
        var body = new SendMessageRequest
        {
            Target = target,
            From = new Actor { Type = "agent", Id = agentId, Name = agentName },
            Parts = [new Part { Kind = "text", Text = text }],
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl.TrimEnd('/') + "/v1/messages")
        {
            Content = new StringContent(MoltnetJson.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (token() is { } t) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", t);
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"moltnet POST /v1/messages returned {(int)response.StatusCode}: {(await response.Content.ReadAsStringAsync(ct)).Trim()}");
        return true;
    }
}
