// Cluster: the server replicas sharing this network's PostgreSQL (GET /v1/cluster); a single server shows itself.
import { api, ApiError } from "../api";
import { h, replace, stamp } from "../dom";
import type { View } from "./view";

interface Replica { [key: string]: unknown }

export function clusterView(): View {
  const body = h("div", {}, h("p", {}, "Loading…"));
  const el = h("section", { class: "view page" }, h("h1", { tabindex: -1 }, "Cluster"), body);
  async function refresh(): Promise<void> {
    try {
      const doc = await api<{ replicas?: Replica[]; [key: string]: unknown }>("/v1/cluster");
      const replicas = doc.replicas ?? [];
      const columns = [...new Set(replicas.flatMap((r) => Object.keys(r)))];
      const cell = (v: unknown) => typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v) ? stamp(v) : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v ?? "");
      replace(body,
        h("p", { class: "meta" }, `${replicas.length} replica${replicas.length === 1 ? "" : "s"}.`,
          ...Object.entries(doc).filter(([k, v]) => k !== "replicas" && typeof v !== "object").map(([k, v]) => ` ${k.replace(/_/g, " ")}: ${String(v)}.`)),
        replicas.length ? h("table", { class: "grid" },
          h("caption", {}, "Server replicas"),
          h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c.replace(/_/g, " "))))),
          h("tbody", {}, replicas.map((r) => h("tr", {}, columns.map((c) => h("td", {}, cell(r[c]))))))) : null);
    } catch (e) {
      const err = e as ApiError;
      replace(body, h("p", { role: "status" }, err.status === 404
        ? "The cluster view is not available on this server (GET /v1/cluster answered 404)."
        : `Could not load the cluster: ${err.message}`));
    }
  }
  void refresh();
  const timer = window.setInterval(() => void refresh(), 10000);
  return { el, title: "Cluster", dispose: () => window.clearInterval(timer) };
}
