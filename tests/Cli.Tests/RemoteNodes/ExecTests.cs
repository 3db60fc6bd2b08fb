using System.Text.Json.Nodes;

namespace Moltnet.Cli.Tests.RemoteNodes;

/// <summary>Pairing, telemetry and exec against a real server and a real <c>moltnet node add --foreground</c> process.</summary>
[Collection(RemoteNodeCollection.Name)]
public sealed class ExecTests(RemoteNodeFixture f) : RemoteNodeTestBase(f)
{
    [Fact]
    public async Task A_paired_node_reports_plausible_telemetry_at_connect_and_is_listed()
    {
        var (_, id, token) = await StartNodeAsync("telemetry-box");
        Assert.StartsWith("mdt_", token, StringComparison.Ordinal);
        Assert.Equal(47, token.Length);

        // The first sample is sent right after hello (not after 30 s): wait for it to be stored.
        JsonNode? node = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            node = JsonNode.Parse(await F.Admin.GetStringAsync($"/v1/nodes/{id}"))!;
            if (node["telemetry"] is not null) break;
            await Task.Delay(100);
        }
        var t = node!["telemetry"] ?? throw new Xunit.Sdk.XunitException("no telemetry within 15 s: " + node.ToJsonString());
        Assert.True((bool)node["connected"]!);
        Assert.Equal("linux", (string?)node["platform"]);
        Assert.Equal(Environment.ProcessorCount, (int)t["cpu_count"]!);
        Assert.True((long)t["mem_total"]! > 0 && (long)t["mem_available"]! > 0);
        Assert.True((long)t["disk_total"]! > 0 && (long)t["disk_available"]! > 0);
        Assert.InRange((double)t["cpu_usage"]!, 0, 100);
        Assert.False((bool)node["telemetry_stale"]!);
        Assert.Equal("full", (string?)node["policy"]!["mode"]);

        var list = await F.CliAsync(RemoteNodeFixture.ExecToken, "node", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains($"{id}  telemetry-box  (linux)  online", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_runs_echo_keeps_stderr_separate_and_returns_the_exit_code_labelled_with_the_node()
    {
        var (_, id, _) = await StartNodeAsync("exec-box");
        var (frames, result) = await ExecAsync(F.Runner, new JsonObject { ["node"] = id, ["command"] = "echo hello" });
        Assert.Equal(("hello\n", 0, id), ((string?)result["stdout"], (int)result["exit_code"]!, (string?)result["node_id"]));
        Assert.Equal("hello\n", Output(frames, "stdout"));

        (frames, result) = await ExecAsync(F.Runner, new JsonObject { ["node"] = "exec-box", ["command"] = "echo out; echo oops >&2; exit 42" });
        Assert.Equal(("out\n", "oops\n", 42), ((string?)result["stdout"], (string?)result["stderr"], (int)result["exit_code"]!));
        Assert.Equal("oops\n", Output(frames, "stderr"));
        Assert.False((bool)result["timed_out"]!);

        // The CLI streams both streams and exits with the remote exit code.
        var cli = await Moltnet.RunAsync(F.ServerDir.Path, "node", "exec", "--node", id, "--base-url", F.Server.Url, "--token",
            RemoteNodeFixture.ExecToken, "--", "echo hi; echo bad >&2; exit 7");
        Assert.Equal(7, cli.ExitCode);
        Assert.Equal("hi\n", cli.Stdout);
        Assert.Equal("bad\n", cli.Stderr);
    }

    [Fact]
    public async Task Exec_uses_the_working_directory_and_the_node_default()
    {
        using var dir = new global::Moltnet.TestSupport.TempDirectory();
        var (_, id, _) = await StartNodeAsync("cwd-box", workingDir: dir.Path);
        var (_, result) = await ExecAsync(F.Runner, new JsonObject { ["node"] = id, ["command"] = "pwd" });
        Assert.Equal(dir.Path + "\n", (string?)result["stdout"]);
        (_, result) = await ExecAsync(F.Runner, new JsonObject { ["node"] = id, ["command"] = "pwd", ["cwd"] = "/" });
        Assert.Equal("/\n", (string?)result["stdout"]);
    }

    [Fact]
    public async Task A_timeout_kills_the_whole_process_group()
    {
        var (_, id, _) = await StartNodeAsync("timeout-box");
        using var dir = new global::Moltnet.TestSupport.TempDirectory();
        var pidFile = dir.Combine("child.pid");
        var started = DateTime.UtcNow;
        var (_, result) = await ExecAsync(F.Runner, new JsonObject
        {
            ["node"] = id, ["timeout_ms"] = 1000, ["command"] = $"sleep 300 & echo $! > {pidFile}; sleep 300",
        });
        Assert.True((bool)result["timed_out"]!);
        Assert.Equal(124, (int)result["exit_code"]!);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Alive(child), $"background child {child} survived the timeout");
    }

    /// <summary>True while <paramref name="pid"/> exists and is not a zombie (killed, waiting for init to reap it).</summary>
    private static bool Alive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var state = File.ReadAllText(stat).Split(") ")[1][0];
                if (state == 'Z') return false;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
            {
                return false;
            }
            Thread.Sleep(50);
        }
        return true;
    }

    [Fact]
    public async Task Cancel_stops_a_running_command()
    {
        var (_, id, _) = await StartNodeAsync("cancel-box");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/exec")
        {
            Content = RemoteNodeFixture.Json(new JsonObject { ["node"] = id, ["exec_id"] = "cancel-me", ["command"] = "echo running; sleep 60" }.ToJsonString()),
        };
        using var response = await F.Runner.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("started", (string?)JsonNode.Parse((await reader.ReadLineAsync())!)!["type"]);
        var chunk = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal(("chunk", "running\n"), ((string?)chunk["type"], (string?)chunk["data"]));

        var cancelled = DateTime.UtcNow;
        using var cancel = await F.Runner.PostAsync("/v1/exec/cancel-me/cancel", RemoteNodeFixture.Json("{}"));
        Assert.Equal(202, (int)cancel.StatusCode);
        var result = JsonNode.Parse((await reader.ReadLineAsync())!)!["result"]!;
        Assert.InRange(DateTime.UtcNow - cancelled, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.True((bool)result["cancelled"]!);
        Assert.False((bool)result["timed_out"]!);
    }

    [Fact]
    public async Task Output_over_the_cap_is_truncated_and_flagged()
    {
        var (_, id, _) = await StartNodeAsync("cap-box", policy: """{"mode":"full","max_output_bytes":5000}""");
        var (frames, result) = await ExecAsync(F.Runner, new JsonObject { ["node"] = id, ["command"] = "head -c 20000 /dev/zero | tr '\\0' a; echo tail >&2" });
        Assert.Equal(new string('a', 5000), (string?)result["stdout"]);
        Assert.True((bool)result["stdout_truncated"]!);
        Assert.False((bool)result["stderr_truncated"]!);
        Assert.Equal("tail\n", (string?)result["stderr"]);
        Assert.Equal(new string('a', 5000), Output(frames, "stdout"));

        // Multi-byte characters are never split at the cap.
        (_, result) = await ExecAsync(F.Runner, new JsonObject { ["node"] = id, ["command"] = "for i in $(seq 1 3000); do printf 'é'; done" });
        Assert.Equal(new string('é', 2500), (string?)result["stdout"]);
        Assert.True((bool)result["stdout_truncated"]!);
    }

    [Fact]
    public async Task Server_secrets_never_reach_the_node_and_only_TERM_LANG_and_LC_are_forwarded()
    {
        var (_, id, token) = await StartNodeAsync("env-box");
        var (_, result) = await ExecAsync(F.Runner, new JsonObject
        {
            ["node"] = id, ["command"] = "env",
            ["env"] = new JsonObject
            {
                [RemoteNodeFixture.ServerSecretName] = RemoteNodeFixture.ServerSecret, ["LANG"] = "C.UTF-8", ["LC_TIME"] = "C",
                ["LD_PRELOAD"] = "/tmp/evil.so", ["PATH"] = "/evil",
            },
        });
        var env = (string)result["stdout"]!;
        Assert.Contains("LANG=C.UTF-8\n", env, StringComparison.Ordinal);
        Assert.Contains("LC_TIME=C\n", env, StringComparison.Ordinal);
        Assert.DoesNotContain(RemoteNodeFixture.ServerSecret, env, StringComparison.Ordinal);
        Assert.DoesNotContain(RemoteNodeFixture.ServerSecretName, env, StringComparison.Ordinal);
        Assert.DoesNotContain("LD_PRELOAD", env, StringComparison.Ordinal);
        Assert.DoesNotContain("PATH=/evil", env, StringComparison.Ordinal);
        Assert.DoesNotContain(token, env, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_command_is_audited_on_the_event_stream()
    {
        var (_, id, _) = await StartNodeAsync("audit-box");
        var (_, result) = await ExecAsync(F.Runner, new JsonObject { ["node"] = id, ["command"] = "exit 3", ["exec_id"] = "audited-1" });
        var started = await NextNodeEventAsync("node.exec.started", id);
        var finished = await NextNodeEventAsync("node.exec.finished", id);
        Assert.Equal(("audited-1", "token:runner", "exit 3"),
            ((string?)started["node"]!["exec_id"], (string?)started["node"]!["actor"], (string?)started["node"]!["command"]));
        Assert.Equal(("audited-1", 3), ((string?)finished["node"]!["exec_id"], (int)finished["node"]!["exit_code"]!));
        Assert.Equal(3, (int)result["exit_code"]!);
    }
}
