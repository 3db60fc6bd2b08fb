using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Moltnet.Cli.Client;

namespace Moltnet.Cli.Commands.RemoteNodes;

/// <summary><c>moltnet node exec [--node N | --conversation C] [--cwd D] [--timeout S] [--env K=V] -- command…</c>:
/// streams the remote stdout/stderr to ours and exits with the remote exit code; Ctrl-C cancels the remote command.</summary>
internal static class NodeExecCommand
{
    public static Command Create()
    {
        var node = new Option<string?>("--node") { Description = "Node id or name (default: the conversation's selected node)" };
        var conversation = new Option<string?>("--conversation") { Description = "room:<id>, thread:<id> or dm:<id> whose selected node runs it" };
        var cwd = new Option<string?>("--cwd") { Description = "Working directory on the node" };
        var timeout = new Option<int?>("--timeout") { Description = "Timeout in seconds (the node clamps it to its maximum)" };
        var env = new Option<string[]>("--env") { Description = "KEY=VALUE to forward (only TERM, LANG and LC_* pass)", AllowMultipleArgumentsPerToken = false };
        var words = new Argument<string[]>("command") { Description = "The shell command (after --)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("exec", "Run a shell command on a remote node (needs the exec scope).") { node, conversation, cwd, timeout, env, words };
        var client = new ClientOptions().AddTo(command, selection: false);
        command.SetClientAction(async (parse, io, ct) =>
        {
            using var conn = client.Resolve(parse, requireConfig: false);
            var forwarded = new JsonObject();
            foreach (var pair in parse.GetValue(env) ?? [])
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new CliException($"--env expects KEY=VALUE (got \"{pair}\")");
                forwarded[pair[..eq]] = pair[(eq + 1)..];
            }
            var body = new JsonObject
            {
                ["node"] = parse.GetValue(node),
                ["conversation_id"] = parse.GetValue(conversation),
                ["command"] = string.Join(' ', parse.GetValue(words)!),
                ["cwd"] = parse.GetValue(cwd),
                ["timeout_ms"] = parse.GetValue(timeout) is { } t ? t * 1000 : null,
                ["env"] = forwarded.Count > 0 ? forwarded : null,
            };
            return await StreamAsync(conn, body, io, ct);
        });
        return command;
    }

    private static async Task<int> StreamAsync(Connection conn, JsonObject body, CommandIO io, CancellationToken ct)
    {
        using var http = conn.Http.CreateStreamClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, conn.Http.Url("/v1/exec"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None); }
        catch (HttpRequestException e) { throw new CliException($"cannot reach Moltnet at {conn.Http.BaseUrl}: {e.Message}"); }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = (await response.Content.ReadAsStringAsync(CancellationToken.None)).Trim();
                throw new CliException($"moltnet POST {request.RequestUri} returned {(int)response.StatusCode}{(text.Length > 0 ? ": " + text : "")}");
            }
            string? execId = null;
            await using var cancelOnCtrlC = ct.Register(() =>
            {
                if (execId is not null)
                    _ = conn.Http.PostAsync($"/v1/exec/{execId}/cancel", new JsonObject(), CancellationToken.None);
            });
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(CancellationToken.None), Encoding.UTF8);
            while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            {
                if (line.Length == 0) continue;
                var frame = JsonNode.Parse(line)!;
                switch ((string?)frame["type"])
                {
                    case "started":
                        execId = (string?)frame["exec_id"];
                        if (ct.IsCancellationRequested && execId is not null)
                            await conn.Http.PostAsync($"/v1/exec/{execId}/cancel", new JsonObject(), CancellationToken.None);
                        break;
                    case "chunk" when !conn.Json:
                        var target = (string?)frame["stream"] == "stderr" ? io.Error : io.Out;
                        await target.WriteAsync((string?)frame["data"]);
                        await target.FlushAsync(CancellationToken.None);
                        break;
                    case "result":
                        var result = frame["result"]!;
                        if (conn.Json) io.Json(result, true);
                        else if ((string?)result["error"] is { } error) CliHost.Error(io.Error, $"node {result["node_id"]}: {error}");
                        else if (result["timed_out"]?.GetValue<bool>() == true) CliHost.Error(io.Error, $"node {result["node_id"]}: command timed out");
                        else if (result["stdout_truncated"]?.GetValue<bool>() == true || result["stderr_truncated"]?.GetValue<bool>() == true)
                            CliHost.Error(io.Error, $"node {result["node_id"]}: output truncated at the node's cap");
                        var code = result["exit_code"]?.GetValue<int>() ?? 1;
                        return result["error"] is not null && code == 0 ? 1 : code is >= 0 and <= 255 ? code : 1;
                }
            }
            throw new CliException("the exec stream ended without a result");
        }
    }
}
