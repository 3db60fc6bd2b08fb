namespace Moltnet.Cli.Tests.Node;

/// <summary>
/// Fake runtime executables that behave like the real CLIs where the node depends on them. Each run is recorded as
/// <c>$HOME/runs/run-&lt;n&gt;.txt</c> (a header line, then the prompt); when <c>$HOME/hold</c> exists the run writes
/// <c>runs/busy-&lt;n&gt;</c> and waits until the hold file is removed. Agents reply with the real
/// <c>moltnet send</c> (found through <c>$FAKE_DOTNET</c> and <c>$FAKE_MOLTNET_DLL</c>) using the node's
/// <c>MOLTNET_CLIENT_CONFIG</c>.
/// </summary>
internal static class FakeRuntimes
{
    /// <summary>Per agent: runs under <c>$HOME/runs</c>, the hold file is <c>$HOME/hold</c>, the agent name is the home's name.</summary>
    private const string Paths = """
        FAKE_RUNS="$HOME/runs"; FAKE_HOLD="$HOME/hold"; FAKE_NAME=$(basename "$HOME")

        """;

    /// <summary>Shared tail: record the run, honour the hold file, reply into the conversation of the first Chat ID.</summary>
    private const string RecordAndReply = """
        mkdir -p "$FAKE_RUNS"
        n=$(ls "$FAKE_RUNS" | grep -c '^run-' || true); n=$((n + 1))
        { echo "$header"; printf '%s\n' "$prompt"; } > "$FAKE_RUNS/.run-$n.tmp" && mv "$FAKE_RUNS/.run-$n.tmp" "$FAKE_RUNS/run-$n.txt"
        if [ -n "$FAKE_HOLD" ] && [ -e "$FAKE_HOLD" ]; then
          touch "$FAKE_RUNS/busy-$n"
          while [ -e "$FAKE_HOLD" ]; do sleep 0.05; done
        fi
        chat=$(printf '%s\n' "$prompt" | sed -n 's/^Chat ID: [^:]*:\(room\|dm\):\(.*\)$/\1:\2/p' | head -n 1)
        count=$(printf '%s\n' "$prompt" | grep -c '^Message ID: ' || true)
        if [ -n "$chat" ]; then
          "$FAKE_DOTNET" "$FAKE_MOLTNET_DLL" send --target "$chat" --text "$FAKE_NAME read $count message(s) in run $n" >/dev/null || exit 3
        fi
        """;

    /// <summary>Claude Code: <c>--print --session-id ID prompt</c> creates a session (refused as "already in use" if it
    /// exists); <c>--print --resume ID prompt</c> continues one (refused if unknown). Sessions live under <c>$HOME</c>.</summary>
    public const string Claude = "#!/bin/bash\nset -u\n" + Paths + """
        session=""; mode=""; prompt=""
        while [ $# -gt 0 ]; do
          case "$1" in
            --print) shift ;;
            --session-id) mode=new; session="$2"; shift 2 ;;
            --resume) mode=resume; session="$2"; shift 2 ;;
            *) prompt="$1"; shift ;;
          esac
        done
        store="$HOME/.claude/sessions"; mkdir -p "$store"
        if [ "$mode" = new ] && [ -e "$store/$session" ]; then echo "Error: Session ID $session is already in use." >&2; exit 1; fi
        if [ "$mode" = resume ] && [ ! -e "$store/$session" ]; then echo "No conversation found with session ID: $session" >&2; exit 1; fi
        turns=0; [ -e "$store/$session" ] && turns=$(wc -l < "$store/$session")
        echo turn >> "$store/$session"
        header="mode=$mode session=$session prior_turns=$turns"

        """ + RecordAndReply + "\necho \"assistant text that must not be published\"\n";

    /// <summary>Codex: <c>exec --json … -</c> starts a thread and prints <c>thread.started</c> with its id;
    /// <c>exec resume --json … ID -</c> continues it. The prompt comes on stdin.</summary>
    public const string Codex = "#!/bin/bash\nset -u\n" + Paths + """
        mode=new; session=""
        args=("$@")
        [ "${args[1]}" = resume ] && mode=resume && session="${args[$(( ${#args[@]} - 2 ))]}"
        prompt=$(cat)
        store="$HOME/.codex-fake"; mkdir -p "$store"
        if [ "$mode" = resume ] && [ ! -e "$store/$session" ]; then echo "Error: thread/session not found: $session" >&2; exit 1; fi
        if [ "$mode" = new ]; then session=$(cat /proc/sys/kernel/random/uuid); fi
        turns=0; [ -e "$store/$session" ] && turns=$(wc -l < "$store/$session")
        echo turn >> "$store/$session"
        echo "{\"type\":\"thread.started\",\"thread_id\":\"$session\"}"
        header="mode=$mode session=$session prior_turns=$turns codex_home=${CODEX_HOME:-}"

        """ + RecordAndReply + "\necho '{\"type\":\"turn.completed\"}'\n";

    /// <summary>A generic <c>command</c> runtime: the prompt on stdin; <c>fail</c> as first argument makes every run
    /// exit 1 (counted in <c>$FAKE_RUNS/failures</c>); otherwise it prints a reply (published when auto_publish is on).</summary>
    public const string Command = "#!/bin/bash\nset -u\n" + Paths + """
        prompt=$(cat)
        mkdir -p "$FAKE_RUNS"
        if [ "${1:-}" = fail ]; then echo x >> "$FAKE_RUNS/failures"; echo "runtime crashed on $MOLTNET_MESSAGE_ID" >&2; exit 1; fi
        n=$(ls "$FAKE_RUNS" | grep -c '^run-' || true); n=$((n + 1))
        { echo "env target=$MOLTNET_TARGET from=$MOLTNET_FROM_ID text=$MOLTNET_MESSAGE_TEXT"; printf '%s\n' "$prompt"; } > "$FAKE_RUNS/.run-$n.tmp" && mv "$FAKE_RUNS/.run-$n.tmp" "$FAKE_RUNS/run-$n.txt"
        echo "$FAKE_NAME echoes: ${MOLTNET_MESSAGE_TEXT//@/}"

        """;

    /// <summary>Writes <paramref name="script"/> as an executable file.</summary>
    public static string Install(string path, string script)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, script.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
