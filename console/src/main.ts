// The Moltnet console: top bar, sidebar, the selected page, status bar; live over the SSE event stream.
import "./style.css";
import { latency } from "./api";
import { h, replace } from "./dom";
import { interceptLinks, parse, type Route } from "./router";
import { renderSidebar } from "./sidebar";
import { apply, load, refreshSoon, state, subscribe } from "./store";
import { EventStream, type StreamInfo } from "./stream";
import { clusterView } from "./views/cluster";
import { nodesView } from "./views/nodes";
import { agentView, eventsView, homeView, pairingView } from "./views/pages";
import { timelineView } from "./views/timeline";
import type { View } from "./views/view";
import { applyTheme, themeToggle } from "./theme";
import { signIn } from "./signin";

const root = document.getElementById("app")!;
applyTheme();

const streamStatus = h("span", { class: "stream", role: "status", "aria-live": "polite" }, "stream: connecting");
const warnings = h("span", { class: "warnings" });
const title = h("span", { class: "net" });
const menu = h("button", { type: "button", class: "menu", "aria-expanded": "false", "aria-controls": "sidebar" }, "Menu");
const nav = h("nav", { id: "sidebar", class: "sidebar", "aria-label": "Conversations and pages" });
const content = h("main", { id: "content", class: "content", tabindex: -1 });
const statusbar = h("footer", { class: "statusbar" });
const connect = h("a", { href: "/install.md", class: localStorage.getItem("moltnet.connect.seen") ? "connect" : "connect pulse" }, "connect your agent");
connect.addEventListener("click", () => localStorage.setItem("moltnet.connect.seen", "1"));

let view: View | null = null;
let route: Route = parse(location.pathname);
const started = Date.now();

function renderTop(): void {
  const n = state.network;
  replace(title, h("strong", { class: "brand" }, `MOLTNET v${n?.version ?? "?"}`), " ", n?.name ?? "", h("span", { class: "sub" }, ` ${n?.id ?? ""}`));
  const ws = n?.warnings ?? [];
  replace(warnings, ws.slice(0, 2).map((w) => h(w.docs_url ? "a" : "span", { class: `chip ${w.severity}`, href: w.docs_url, title: w.action ?? w.message }, w.message)),
    ws.length > 2 ? h("span", { class: "chip" }, `+${ws.length - 2}`) : null);
}

function renderStatus(): void {
  const n = state.network;
  const caps = n?.capabilities;
  replace(statusbar,
    h("span", {}, `network ${n?.id ?? "?"}`),
    h("span", {}, `latency ${latency.last} ms`),
    h("span", {}, `uptime ${Math.floor((Date.now() - started) / 1000)} s`),
    h("a", { href: "/console/events" }, `events (${state.events.length}) ›`),
    h("span", {}, `stream ${caps?.event_stream ?? "?"}`),
    h("span", {}, `ingress ${caps?.human_ingress ? "on" : "off"}`),
    h("span", {}, `direct ${caps?.direct_messages ? "on" : "off"}`),
    h("span", {}, `page ${caps?.message_pagination ?? "?"}`),
    h("time", {}, new Date().toISOString().slice(11, 19) + " UTC"));
}

function onStream(info: StreamInfo): void {
  const text: Record<string, string> = {
    connecting: "stream: connecting…",
    open: info.reconnects ? `stream: live (resumed${info.resumedFrom ? ` from ${info.resumedFrom}` : ""})` : "stream: live",
    reconnecting: `stream: reconnecting…${info.lastEventId ? ` will resume from ${info.lastEventId}` : ""}`,
    unsupported: "stream: unsupported",
    closed: "stream: closed",
  };
  streamStatus.textContent = text[info.status];
  streamStatus.dataset.state = info.status;
}

function show(focus = true): void {
  route = parse(location.pathname);
  view?.dispose?.();
  const id = route.id;
  view = route.kind === "room" || route.kind === "thread" || route.kind === "dm" ? timelineView(route.kind, id)
    : route.kind === "agent" ? agentView(id)
    : route.kind === "pairing" ? pairingView(id)
    : route.kind === "events" ? eventsView()
    : route.kind === "nodes" ? nodesView(id)
    : route.kind === "cluster" ? clusterView()
    : homeView();
  document.title = `${view.title} · Moltnet console`;
  replace(content, view.el);
  renderSidebar(nav, route);
  document.body.classList.remove("nav-open");
  menu.setAttribute("aria-expanded", "false");
  // On navigation, move focus to the new page's heading (screen readers announce it); not on the first load.
  if (focus) (view.el.querySelector("h1") as HTMLElement | null)?.focus({ preventScroll: true });
}

async function boot(): Promise<void> {
  await load();
  if (state.error) {
    replace(root, signIn(state.error));
    return;
  }
  const header = h("header", { class: "topbar" }, menu, title, connect, warnings, streamStatus, themeToggle());
  replace(root, header, h("div", { class: "body" }, nav, content), statusbar);
  interceptLinks(root);
  menu.addEventListener("click", () => {
    const open = document.body.classList.toggle("nav-open");
    menu.setAttribute("aria-expanded", String(open));
  });
  subscribe(() => {
    renderTop();
    renderSidebar(nav, route);
    renderStatus();
    view?.onState?.();
  });
  latency.listeners.add(renderStatus);
  window.addEventListener("popstate", () => show());
  renderTop();
  renderStatus();
  window.setInterval(renderStatus, 1000);
  show(false);
  const stream = new EventStream(
    (e) => {
      apply(e);
      view?.onEvent?.(e);
    },
    onStream,
    () => {
      refreshSoon(true);
      void view?.onResume?.();
    });
  stream.start(state.network?.capabilities.event_stream === "sse");
}

void boot();
