using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using Moltnet.Cli.Client;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet read --target T [--limit 20] [--before ID | --after ID] [--follow]</c>: history, then optionally live messages.</summary>
public static class ReadCommand
{
    public static Command Create()
    {
        var target = new Option<string?>("--target") { Description = "room:<id> or dm:<id>" };
        var limit = new Option<int>("--limit") { Description = "Messages per page (1-500)", DefaultValueFactory = _ => 20 };
        var before = new Option<string?>("--before") { Description = "Page of messages just older than this message id" };
        var after = new Option<string?>("--after") { Description = "Page of messages just newer than this message id" };
        var follow = new Option<bool>("--follow", "-f") { Description = "After the page, stream new messages of the target (SSE, needs observe access) until Ctrl-C" };
        var command = new Command("read", "Read a room's or DM's message history; --follow streams new messages.") { target, limit, before, after, follow };
        var client = new ClientOptions().AddTo(command);
        command.SetClientAction(async (parse, io, ct) =>
        {
            var t = Target.Parse(parse.GetValue(target));
            var n = parse.GetValue(limit);
            if (n is < 1 or > 500) throw new CliException($"--limit must be between 1 and 500 (got {n})");
            var (b, a) = (parse.GetValue(before), parse.GetValue(after));
            if (!string.IsNullOrEmpty(b) && !string.IsNullOrEmpty(a)) throw new CliException("--before and --after cannot be used together");
            using var conn = client.Resolve(parse, requireConfig: true);
            t.CheckAllowed(conn.RequireAttachment());
            var query = $"?limit={n}" + (string.IsNullOrEmpty(b) ? "" : $"&before={Uri.EscapeDataString(b)}") + (string.IsNullOrEmpty(a) ? "" : $"&after={Uri.EscapeDataString(a)}");
            if (!parse.GetValue(follow))
            {
                io.Json(await conn.Http.GetAsync(t.Path + "/messages" + query, ct), conn.Json);
                return 0;
            }
            await new Follower(conn, t, io, new Progress(io.Error)).RunAsync(t.Path + "/messages" + query, ct);
            return 0;
        });
        return command;
    }

    /// <summary>Opens the event stream first (so nothing is missed), prints the page, then each new message of the target.</summary>
    private sealed class Follower(Connection conn, Target target, CommandIO io, Progress progress)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private string? _lastEventId;

        public async Task RunAsync(string pagePath, CancellationToken ct)
        {
            using var stream = conn.Http.CreateStreamClient();
            var response = await OpenAsync(stream, ct);
            var page = await conn.Http.GetAsync(pagePath, ct);
            foreach (var m in page?["messages"]?.AsArray() ?? []) if ((string?)m?["id"] is { } id) _seen.Add(id);
            io.Json(page, conn.Json);
            await io.Out.FlushAsync(ct);
            var attempt = 0;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await using (var body = await response.Content.ReadAsStreamAsync(ct))
                        await foreach (var e in SseReader.ReadAsync(body, ct))
                        {
                            attempt = 0;
                            if (e.Id is { Length: > 0 }) _lastEventId = e.Id;
                            if (e.Type == "message.created") await PrintAsync(e.Data, ct);
                        }
                }
                catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
                {
                }
                finally
                {
                    response.Dispose();
                }
                response = await ReconnectAsync(stream, ++attempt, ct);
            }
        }

        private async Task<HttpResponseMessage> ReconnectAsync(HttpClient stream, int attempt, CancellationToken ct)
        {
            while (true)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(15_000, 500 * Math.Pow(2, Math.Min(attempt - 1, 5))));
                progress.Status($"event stream closed; reconnecting in {delay.TotalSeconds:0.#} s (attempt {attempt})…");
                await Task.Delay(delay, ct);
                try
                {
                    var response = await OpenAsync(stream, ct);
                    progress.Done();
                    return response;
                }
                catch (CliException e)
                {
                    progress.Status($"reconnect failed: {e.Message}");
                    attempt++;
                }
            }
        }

        private async Task<HttpResponseMessage> OpenAsync(HttpClient stream, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, conn.Http.Url("/v1/events/stream"));
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (_lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", _lastEventId);
            HttpResponseMessage response;
            try
            {
                response = await stream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            catch (HttpRequestException e)
            {
                throw new CliException($"cannot reach Moltnet at {conn.Http.BaseUrl}: {e.Message}");
            }
            if (response.StatusCode == HttpStatusCode.OK) return response;
            var text = await response.Content.ReadAsStringAsync(ct);
            response.Dispose();
            throw new CliException($"moltnet GET {request.RequestUri} returned {(int)response.StatusCode}: {text.Trim()}");
        }

        private async Task PrintAsync(string data, CancellationToken ct)
        {
            JsonNode? message;
            try
            {
                message = JsonNode.Parse(data)?["message"];
            }
            catch (System.Text.Json.JsonException)
            {
                return;
            }
            if (message is null || (string?)message["id"] is not { } id || !Matches(message["target"]) || !_seen.Add(id)) return;
            io.Json(message, conn.Json);
            await io.Out.FlushAsync(ct);
        }

        /// <summary>Room targets follow the room and its threads; DM targets the DM.</summary>
        private bool Matches(JsonNode? t) => target.Kind == Target.Room
            ? (string?)t?["room_id"] == target.Id && (string?)t?["kind"] is "room" or "thread"
            : (string?)t?["kind"] == "dm" && (string?)t?["dm_id"] == target.Id;
    }
}
