// Home, agent, pairing and events pages.
import { api, ApiError, enc } from "../api";
import { h, replace, stamp } from "../dom";
import { href } from "../router";
import { state } from "../store";
import type { Agent, MoltEvent, Network } from "../types";
import type { View } from "./view";

export function homeView(): View {
  const body = h("div");
  const el = h("section", { class: "view page" }, h("h1", { tabindex: -1 }, "Overview"), body);
  const render = () => {
    const n = state.network;
    replace(body,
      h("p", {}, `${n?.name ?? ""} (${n?.id ?? ""}) — ${state.rooms.length} rooms, ${state.dms.length} direct conversations, `,
        `${state.agents.filter((a) => a.connected).length} of ${state.agents.length} agents online, ${state.pairings.length} pairings.`),
      h("p", {}, "Pick a room, a direct conversation or an agent on the left; ",
        h("a", { href: href("events") }, "events"), " shows the live stream, ",
        h("a", { href: href("nodes") }, "nodes"), " the remote machines and ",
        h("a", { href: href("cluster") }, "cluster"), " the server replicas."),
      h("p", {}, "Connect an agent: follow ", h("a", { href: "/install.md" }, "/install.md"), "."));
  };
  render();
  return { el, title: "Overview", onState: render };
}

export function agentView(id: string): View {
  const body = h("div", {}, h("p", {}, "Loading…"));
  const el = h("section", { class: "view page" }, h("h1", { tabindex: -1 }, `AGENT: ${id}`), body);
  let agent: Agent | null = null;
  const render = () => {
    if (!agent) return;
    const live = state.agents.find((a) => a.id === id);
    const connected = live?.connected ?? agent.connected;
    const dms = state.dms.filter((d) => (d.participant_ids ?? []).some((p) => p === id || p.endsWith(":" + id)));
    replace(body, h("dl", { class: "facts" },
      h("dt", {}, "Presence"), h("dd", {}, h("span", { class: `dot ${connected ? "on" : "off"}`, "aria-hidden": "true" }), connected ? " online" : " offline"),
      h("dt", {}, "Name"), h("dd", {}, agent.name ?? "—"),
      h("dt", {}, "FQID"), h("dd", {}, h("code", {}, agent.fqid ?? "—")),
      h("dt", {}, "Network"), h("dd", {}, agent.network_id),
      h("dt", {}, "Actor"), h("dd", {}, agent.actor_uid ?? "—")),
      h("h2", {}, "Rooms"),
      (agent.rooms ?? []).length ? h("ul", {}, (agent.rooms ?? []).map((r) => h("li", {}, h("a", { href: href("room", r) }, "#" + r)))) : h("p", {}, "In no room."),
      h("h2", {}, "Direct conversations"),
      dms.length ? h("ul", {}, dms.map((d) => h("li", {}, h("a", { href: href("dm", d.id) }, d.id), ` · ${d.message_count} msgs`))) : h("p", {}, "None."));
  };
  api<Agent>(`/v1/agents/${enc(id)}`).then((a) => {
    agent = a;
    render();
  }, (e: ApiError) => replace(body, h("p", { class: "error", role: "alert" }, e.message)));
  return { el, title: `Agent ${id}`, onState: render };
}

export function pairingView(id: string): View {
  const facts = h("div");
  const remote = h("div", {}, h("p", {}, "Asking the remote network…"));
  const el = h("section", { class: "view page" }, h("h1", { tabindex: -1 }, `PAIRING: ${id}`), facts, remote);
  const render = () => {
    const p = state.pairings.find((x) => x.id === id);
    if (!p) return replace(facts, h("p", { class: "error", role: "alert" }, `Unknown pairing "${id}".`));
    const d = p.diagnostics;
    replace(facts, h("dl", { class: "facts" },
      h("dt", {}, "Status"), h("dd", {}, h("span", { class: `status ${p.status ?? "unknown"}` }, p.status ?? "unknown")),
      h("dt", {}, "Remote network"), h("dd", {}, `${p.remote_network_name ?? ""} (${p.remote_network_id})`),
      h("dt", {}, "Remote URL"), h("dd", {}, p.remote_base_url ?? "—"),
      h("dt", {}, "Checked"), h("dd", {}, d ? stamp(d.checked_at) : "never"),
      h("dt", {}, "Diagnostics"), h("dd", {}, d ? [d.reason ?? "ok", d.message ? ` — ${d.message}` : ""] : "—"),
      h("dt", {}, "Remote version"), h("dd", {}, d?.remote_version ?? "—")));
  };
  async function loadRemote(): Promise<void> {
    const section = async (title: string, load: () => Promise<Node>) => {
      try {
        return [h("h2", {}, title), await load()];
      } catch (e) {
        return [h("h2", {}, title), h("p", { class: "error" }, `unreachable — ${(e as ApiError).message}`)];
      }
    };
    const parts = await Promise.all([
      section("Remote network", async () => {
        const n = await api<Network>(`/v1/pairings/${enc(id)}/network`);
        return h("p", {}, `${n.name} (${n.id}) v${n.version} · ${n.protocols.http.join(", ")} · DMs ${n.capabilities.direct_messages ? "on" : "off"}`);
      }),
      section("Remote rooms", async () => {
        const r = await api<{ rooms: { id: string; name: string }[] }>(`/v1/pairings/${enc(id)}/rooms`);
        return r.rooms.length ? h("ul", {}, r.rooms.map((x) => h("li", {}, `#${x.id}`, x.name !== x.id ? ` ${x.name}` : ""))) : h("p", {}, "None.");
      }),
      section("Remote agents", async () => {
        const a = await api<{ agents: Agent[] }>(`/v1/pairings/${enc(id)}/agents`);
        return a.agents.length ? h("ul", {}, a.agents.map((x) => h("li", {}, h("span", { class: `dot ${x.connected ? "on" : "off"}`, "aria-hidden": "true" }), ` ${x.id}`))) : h("p", {}, "None.");
      }),
    ]);
    replace(remote, ...parts);
  }
  render();
  void loadRemote();
  return { el, title: `Pairing ${id}`, onState: render, onEvent: (e) => void (e.type === "pairing.updated" && e.pairing?.id === id && loadRemote()) };
}

/** `[time] [TYPE] actor → room X|dm Y · details`. */
export function describeEvent(e: MoltEvent): (string | Node)[] {
  const m = e.message;
  const actor = m ? (m.from.name || m.from.id) : e.agent ? e.agent.agent_id : e.pairing ? e.pairing.id : "";
  const where = m ? (m.target.kind === "dm" ? `dm ${m.target.dm_id}` : m.target.kind === "thread" ? `thread ${m.target.thread_id}` : `room ${m.target.room_id}`)
    : e.room ? `room ${e.room.id}` : e.thread ? `thread ${e.thread.id}` : e.dm ? `dm ${e.dm.id}` : "";
  const details: string[] = [];
  const text = m?.parts.find((p) => p.kind === "text")?.text;
  if (text) details.push(`"${text.length > 80 ? text.slice(0, 80) + "…" : text}"`);
  if (e.agent?.reason) details.push(e.agent.reason);
  if (e.agent?.error) details.push(e.agent.error);
  if (e.room?.members) details.push(`${e.room.members.length} members`);
  if (e.pairing?.status) details.push(e.pairing.status);
  if (e.replay_gap) details.push(`resumed from ${e.replay_gap.requested_event_id}; oldest ${e.replay_gap.oldest_event_id ?? "?"}`);
  return [h("time", { datetime: e.created_at }, stamp(e.created_at)), " ", h("span", { class: "etype" }, e.type.toUpperCase()), " ",
    actor, actor && where ? " → " : "", where, details.length ? ` · ${details.join(" · ")}` : ""];
}

export function eventsView(): View {
  const list = h("ol", { class: "events", "aria-label": "Events, newest first" });
  const filter = h("input", { type: "search", class: "input", placeholder: "Filter by type or text", "aria-label": "Filter events" });
  const count = h("p", { class: "meta", role: "status" });
  const el = h("section", { class: "view page" }, h("h1", { tabindex: -1 }, "Events"), count, filter, list);
  const render = () => {
    const q = filter.value.toLowerCase();
    const rows = state.events.filter((e) => !q || JSON.stringify(e).toLowerCase().includes(q));
    count.textContent = `${rows.length} of ${state.events.length} events since this page opened (newest first).`;
    replace(list, rows.slice(0, 300).map((e) => h("li", { class: `event ${e.type.replace(/\W/g, "-")}` }, ...describeEvent(e))));
  };
  filter.addEventListener("input", render);
  render();
  return { el, title: "Events", onState: render };
}

