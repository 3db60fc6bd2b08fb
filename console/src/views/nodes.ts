// Remote nodes: inventory with live telemetry charts, device tokens (shown once), revoke, and remote commands with
// streamed output. The API is /v1/nodes (remote-nodes); a server without it answers 404 and the page says so.
import { api, ApiError, enc } from "../api";
import { bytes, duration, h, replace, stamp } from "../dom";
import { href } from "../router";
import type { MoltEvent } from "../types";
import { runPanel } from "./exec";
import type { View } from "./view";

export interface NodeTelemetry {
  mem_total: number; mem_available: number; cpu_count: number; cpu_usage: number; uptime_secs: number;
  disk_total?: number; disk_available?: number; runtimes?: string[]; received_at: string;
}
export interface NodeInfo {
  node_id: string; display_name?: string; platform?: string; version?: string; connected: boolean; revoked: boolean;
  replica_id?: string; remote_ip?: string; connected_at?: string; last_seen_at?: string; telemetry?: NodeTelemetry;
  telemetry_stale: boolean; policy?: { mode: string; allowlist?: string[] }; created_at: string;
}
interface TokenCreated { device_token: string; node_id: string; token_prefix: string; scopes: string[] }

const History = 60;
const samples = new Map<string, { at: string; cpu: number; mem: number }[]>();

function remember(n: NodeInfo): void {
  const t = n.telemetry;
  if (!t) return;
  const list = samples.get(n.node_id) ?? [];
  if (list.length && list[list.length - 1].at === t.received_at) return;
  const mem = t.mem_total > 0 ? 100 * (1 - t.mem_available / t.mem_total) : 0;
  list.push({ at: t.received_at, cpu: t.cpu_usage, mem });
  if (list.length > History) list.shift();
  samples.set(n.node_id, list);
}

function chart(label: string, values: number[]): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 120 32");
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  const last = values.length ? values[values.length - 1] : 0;
  svg.setAttribute("aria-label", `${label}: ${last.toFixed(1)} % now, ${values.length} samples`);
  const line = document.createElementNS(ns, "polyline");
  const step = values.length > 1 ? 120 / (values.length - 1) : 0;
  line.setAttribute("points", values.map((v, i) => `${(i * step).toFixed(1)},${(31 - Math.min(100, Math.max(0, v)) * 0.3).toFixed(1)}`).join(" "));
  svg.appendChild(line);
  return svg;
}

function card(n: NodeInfo, selected: boolean): HTMLElement {
  const t = n.telemetry;
  const hist = samples.get(n.node_id) ?? [];
  const name = n.display_name || n.node_id;
  return h("li", { class: `node ${n.connected ? "on" : "off"}${selected ? " selected" : ""}`, "data-node": n.node_id },
    h("h3", {}, h("span", { class: `dot ${n.connected ? "on" : "off"}`, "aria-hidden": "true" }), " ",
      h("a", { href: href("nodes", n.node_id) }, name), " ",
      h("span", { class: "sub" }, n.revoked ? "revoked" : n.connected ? "online" : `offline${n.last_seen_at ? `, last seen ${stamp(n.last_seen_at)}` : ""}`)),
    h("p", { class: "sub" }, [n.platform, n.version && `v${n.version}`, n.remote_ip, n.replica_id && `replica ${n.replica_id}`].filter(Boolean).join(" · ")),
    t ? h("div", { class: "telemetry" },
      h("p", {}, `${t.cpu_count} cores · CPU ${t.cpu_usage.toFixed(1)} % · RAM ${bytes(t.mem_total - t.mem_available)} / ${bytes(t.mem_total)}`,
        ` · disk ${bytes(t.disk_available)} free · up ${duration(t.uptime_secs)}`, n.telemetry_stale ? h("strong", {}, " (stale)") : ""),
      h("div", { class: "charts" },
        h("figure", {}, chart(`CPU usage of ${name}`, hist.map((s) => s.cpu)), h("figcaption", {}, "CPU %")),
        h("figure", {}, chart(`Memory used on ${name}`, hist.map((s) => s.mem)), h("figcaption", {}, "memory %"))),
      t.runtimes?.length ? h("p", { class: "sub" }, `runtimes: ${t.runtimes.join(", ")}`) : null)
      : h("p", { class: "sub" }, "No telemetry yet."));
}

export function nodesView(selectedId: string): View {
  const list = h("ul", { class: "nodes", "aria-label": "Remote nodes" });
  const tokenPanel = h("section", { class: "panel", "aria-labelledby": "tok-title" });
  const detail = h("div");
  const note = h("p", { class: "meta", role: "status" });
  const el = h("section", { class: "view page" }, h("h1", { tabindex: -1 }, selectedId ? `NODE: ${selectedId}` : "Nodes"), note, detail, list, tokenPanel);
  let nodes: NodeInfo[] = [];
  let available = true;
  let detailFor = "";

  async function refresh(): Promise<void> {
    try {
      nodes = (await api<{ nodes: NodeInfo[] }>("/v1/nodes")).nodes;
      available = true;
    } catch (e) {
      const err = e as ApiError;
      available = false;
      replace(list);
      replace(note, err.status === 404
        ? "Remote nodes are not available on this server (GET /v1/nodes answered 404)."
        : `Could not list nodes: ${err.message}`);
      return;
    }
    nodes.forEach(remember);
    const online = nodes.filter((n) => n.connected).length;
    note.textContent = `${online} connected, ${nodes.length} known. Telemetry refreshes every 5 s.`;
    const shown = selectedId ? nodes.filter((n) => n.node_id === selectedId) : nodes;
    replace(list, shown.length ? shown.map((n) => card(n, n.node_id === selectedId)) : h("li", { class: "empty" }, selectedId ? `Unknown node "${selectedId}".` : "No nodes yet: generate a token below and run the command on the machine."));
    if (selectedId && detailFor !== selectedId && shown.length) {
      detailFor = selectedId;
      replace(detail, nodeActions(shown[0], () => void refresh()));
    }
  }

  function renderTokenPanel(): void {
    const name = h("input", { id: "tok-name", class: "input", placeholder: "build-server", autocomplete: "off" });
    const out = h("div", { "aria-live": "polite" });
    const button = h("button", { type: "submit" }, "Generate connection token");
    const form = h("form", {}, h("label", { for: "tok-name" }, "Node name (optional)"), h("div", { class: "composer-row" }, name, button));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      button.disabled = true;
      try {
        const created = await api<TokenCreated>("/v1/nodes/tokens", { method: "POST", body: name.value.trim() ? { name: name.value.trim() } : {} });
        const command = connectCommand(created.device_token, name.value.trim());
        const copy = h("button", { type: "button" }, "Copy");
        copy.addEventListener("click", () => void navigator.clipboard?.writeText(command).then(() => (copy.textContent = "Copied")));
        replace(out, h("p", {}, `Token for node ${created.node_id} (prefix ${created.token_prefix}). Run this on the machine — it is shown once and cannot be retrieved later:`),
          h("pre", { class: "command", tabindex: 0, "aria-label": "Connection command" }, command), copy);
        void refresh();
      } catch (err) {
        replace(out, h("p", { class: "error", role: "alert" }, `Could not create a token: ${(err as ApiError).message}`));
      } finally {
        button.disabled = false;
      }
    });
    replace(tokenPanel, h("h2", { id: "tok-title" }, "Connect a remote node"), form, out);
  }

  renderTokenPanel();
  void refresh();
  const timer = window.setInterval(() => void (available && refresh()), 5000);
  return {
    el,
    title: selectedId ? `Node ${selectedId}` : "Nodes",
    onEvent(e: MoltEvent) {
      if (e.type.startsWith("node.")) void refresh();
    },
    dispose() {
      window.clearInterval(timer);
    },
  };
}

/** The command that connects a machine as this server's node (the gateway URL is this page's origin). */
export function connectCommand(token: string, name: string): string {
  const ws = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;
  return `moltnet node add --host ${ws} --token ${token}${name ? ` --name '${name.replace(/'/g, "'\\''")}'` : ""}`;
}

function nodeActions(n: NodeInfo, changed: () => void): HTMLElement {
  const status = h("p", { role: "status" });
  const revoke = h("button", { type: "button", class: "danger" }, "Revoke this node");
  revoke.addEventListener("click", async () => {
    if (!window.confirm(`Revoke node ${n.display_name || n.node_id}? Its token stops working and it is disconnected at once.`)) return;
    try {
      await api(`/v1/nodes/${enc(n.node_id)}/revoke`, { method: "POST", body: {} });
      status.textContent = `Node ${n.node_id} revoked.`;
      changed();
    } catch (e) {
      status.textContent = `Could not revoke: ${(e as ApiError).message}`;
    }
  });
  return h("div", { class: "node-actions" }, runPanel(n.node_id), h("section", { class: "panel" }, h("h2", {}, "Access"), revoke, status));
}
