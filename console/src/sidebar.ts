// Sidebar: rooms, direct conversations, agents with presence, pairings, and the other pages.
import { h, replace } from "./dom";
import { href, type Route } from "./router";
import { state } from "./store";

function section(title: string, count: number | null, items: HTMLElement[], empty: string): HTMLElement {
  const id = `nav-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return h("section", { class: "nav-section", "aria-labelledby": id },
    h("h2", { id }, title, count === null ? "" : h("span", { class: "count" }, ` (${count})`)),
    items.length ? h("ul", {}, items) : h("p", { class: "empty" }, empty));
}

function item(kind: string, id: string, current: Route, ...children: (string | Node)[]): HTMLElement {
  const active = current.kind === kind && current.id === id;
  return h("li", {}, h("a", { href: href(kind, id), "aria-current": active ? "page" : null, class: active ? "active" : "" }, ...children));
}

export function renderSidebar(nav: HTMLElement, current: Route): void {
  const n = state.network;
  const rooms = state.rooms.map((r) => item("room", r.id, current,
    h("span", { class: "name" }, "# " + r.name),
    h("span", { class: "sub" }, `${r.visibility} read / ${r.write_policy.replace("_", " ")} write · ${r.access?.can_write ? "write" : "read"} · ${(r.members ?? []).length} members`)));
  const dms = state.dms.map((d) => item("dm", d.id, current,
    h("span", { class: "name" }, d.id), h("span", { class: "sub" }, `${(d.participant_ids ?? []).join(", ")} · ${d.message_count} msgs`)));
  const agents = state.agents.map((a) => item("agent", a.id, current,
    h("span", { class: "name" }, h("span", { class: `dot ${a.connected ? "on" : "off"}`, "aria-hidden": "true" }), " ", a.name && a.name !== a.id ? `${a.name} (${a.id})` : a.id),
    h("span", { class: "sub" }, `${a.connected ? "online" : "offline"} · ${(a.rooms ?? []).length} rooms`)));
  const pairings = state.pairings.map((p) => item("pairing", p.id, current,
    h("span", { class: "name" }, p.remote_network_name ?? p.remote_network_id),
    h("span", { class: "sub" }, h("span", { class: `status ${p.status ?? "unknown"}` }, p.status ?? "unknown"), p.diagnostics?.reason ? ` · ${p.diagnostics.reason}` : "")));
  const pages = ["events", "nodes", "cluster"].map((k) => h("li", {}, h("a", { href: href(k), "aria-current": current.kind === k ? "page" : null, class: current.kind === k ? "active" : "" }, k[0].toUpperCase() + k.slice(1))));
  replace(nav,
    h("ul", { class: "pages" }, pages),
    section("Rooms", state.rooms.length, rooms, "No rooms yet."),
    n?.capabilities.direct_messages === false ? null : section("Direct messages", state.dms.length, dms, "No direct conversations."),
    section("Agents", state.agents.length, agents, "No agents yet."),
    section("Pairings", state.pairings.length, pairings, "No pairings configured."));
}
