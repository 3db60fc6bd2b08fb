// Run a command on a remote node: POST /v1/exec with stream:true answers NDJSON frames (started, chunk…, result).
import { ApiError } from "../api";
import { h, replace } from "../dom";

interface ExecFrame {
  type: "started" | "chunk" | "result"; exec_id?: string; node_id?: string; stream?: "stdout" | "stderr"; seq?: number; data?: string;
  result?: { exit_code: number; timed_out: boolean; cancelled: boolean; error?: string; duration_ms: number; stdout_truncated: boolean; stderr_truncated: boolean };
}

export function runPanel(nodeId: string): HTMLElement {
  const input = h("input", { id: "exec-cmd", class: "input", placeholder: "uname -a", autocomplete: "off", spellcheck: "false" });
  const run = h("button", { type: "submit" }, "Run");
  const output = h("pre", { class: "output", role: "log", "aria-live": "polite", "aria-label": "Command output", tabindex: 0 });
  const result = h("p", { class: "exec-result", role: "status" });
  const form = h("form", {}, h("label", { for: "exec-cmd" }, `Command to run on ${nodeId}`), h("div", { class: "composer-row" }, input, run));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const command = input.value.trim();
    if (!command) return;
    run.disabled = true;
    replace(output);
    result.textContent = "Running…";
    try {
      await stream(nodeId, command, (f) => {
        if (f.type === "chunk" && f.data !== undefined) output.append(h("span", { class: f.stream ?? "stdout" }, f.data));
        if (f.type === "result" && f.result) {
          const r = f.result;
          result.textContent = r.error ? `Failed: ${r.error}` : `exit code ${r.exit_code}${r.timed_out ? " (timed out)" : ""}${r.cancelled ? " (cancelled)" : ""} · ${r.duration_ms} ms${r.stdout_truncated || r.stderr_truncated ? " · output truncated" : ""}`;
        }
      });
    } catch (err) {
      result.textContent = `Failed: ${(err as Error).message}`;
    } finally {
      run.disabled = false;
    }
  });
  return h("section", { class: "panel", "aria-label": "Run a command" }, h("h2", {}, "Run a command"), form, output, result);
}

async function stream(node: string, command: string, onFrame: (f: ExecFrame) => void): Promise<void> {
  const res = await fetch("/v1/exec", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/x-ndjson" },
    credentials: "same-origin",
    body: JSON.stringify({ node, command, stream: true }),
  });
  if (!res.ok || !res.body) {
    const env = await res.json().catch(() => ({})) as { error?: string; code?: string };
    throw new ApiError(res.status, env.error ?? `${res.status} ${res.statusText}`, env.code);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onFrame(JSON.parse(line) as ExecFrame);
    }
  }
  if (buffer.trim()) onFrame(JSON.parse(buffer) as ExecFrame);
}
