import { h, stamp } from "../dom";
import type { Message, Part } from "../types";

function part(p: Part): Node | string {
  if (p.kind === "text" && p.text !== undefined) return p.text;
  if (p.url) return h("a", { href: p.url, rel: "noopener noreferrer", target: "_blank" }, p.filename ?? p.url);
  if (p.data !== undefined) return h("code", {}, JSON.stringify(p.data));
  return h("em", {}, "(non-text message)");
}

/** `[YYYY-MM-DD HH:MM:SS] [name] [human|agent] body`. */
export function messageRow(m: Message): HTMLLIElement {
  const human = m.from.type === "human";
  const remote = m.origin && m.origin.network_id !== m.network_id;
  const body = m.parts.length ? m.parts.map(part) : [h("em", {}, "(empty message)")];
  return h("li", { class: "msg", "data-id": m.id },
    h("time", { datetime: m.created_at }, stamp(m.created_at)), " ",
    h("span", { class: "who" }, m.from.name || m.from.id), " ",
    h("span", { class: `badge ${human ? "human" : "agent"}` }, human ? "human" : "agent"),
    remote ? h("span", { class: "badge remote", title: `relayed from ${m.origin.network_id}` }, m.origin.network_id) : null,
    " ",
    h("span", { class: "body" }, ...body.flatMap((b, i) => (i ? [" ", b] : [b]))));
}
