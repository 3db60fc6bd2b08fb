// Cluster: the server replicas sharing this network's database (GET /v1/cluster, admin); SQLite shows this process alone.
import { api, ApiError } from "../api";
import { duration, h, replace, stamp } from "../dom";
import type { View } from "./view";

interface Replica {
  id: string; address?: string; started_at: string; last_heartbeat_at: string; self: boolean;
  connections: { sse: number; attach: number; nodes: number };
}
interface ClusterDoc { replica_id: string; storage_kind: string; replicas: Replica[] }

export function clusterView(): View {
  const body = h("div", {}, h("p", {}, "Loading…"));
  const el = h("section", { class: "view page" }, h("h1", { tabindex: -1 }, "Cluster"), body);
  async function refresh(): Promise<void> {
    try {
      const doc = await api<ClusterDoc>("/v1/cluster");
      const now = Date.now();
      replace(body,
        h("p", { class: "meta" }, `${doc.replicas.length} replica${doc.replicas.length === 1 ? "" : "s"} on ${doc.storage_kind} storage; this page is served by ${doc.replica_id}.`),
        h("table", { class: "grid" },
          h("caption", {}, "Server replicas (refreshed every 10 s)"),
          h("thead", {}, h("tr", {}, ["Replica", "Address", "Up", "Last heartbeat", "SSE streams", "Attachments", "Nodes"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, doc.replicas.map((r) => h("tr", { "aria-current": r.self ? "true" : null },
            h("th", { scope: "row" }, r.id, r.self ? h("span", { class: "badge" }, "this one") : ""),
            h("td", {}, r.address ?? "—"),
            h("td", { title: stamp(r.started_at) }, duration(Math.max(0, (now - Date.parse(r.started_at)) / 1000))),
            h("td", {}, stamp(r.last_heartbeat_at)),
            h("td", {}, String(r.connections.sse)),
            h("td", {}, String(r.connections.attach)),
            h("td", {}, String(r.connections.nodes)))))));
    } catch (e) {
      const err = e as ApiError;
      replace(body, h("p", { role: "status" }, err.status === 404
        ? "The cluster view is not available on this server (GET /v1/cluster answered 404)."
        : err.status === 401 || err.status === 403 ? `The cluster view needs the admin scope (${err.message}).`
        : `Could not load the cluster: ${err.message}`));
    }
  }
  void refresh();
  const timer = window.setInterval(() => void refresh(), 10000);
  return { el, title: "Cluster", dispose: () => window.clearInterval(timer) };
}
