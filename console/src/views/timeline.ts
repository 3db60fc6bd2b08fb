// Room, thread and DM timelines: newest page first, older pages on demand, live appends from the event stream.
import { api, ApiError, enc } from "../api";
import { h, replace } from "../dom";
import { href } from "../router";
import { state } from "../store";
import type { Agent, Dm, Message, MoltEvent, PageInfo, Room, Target, ThreadInfo } from "../types";
import { composer } from "./composer";
import { messageRow } from "./message";
import type { View } from "./view";

type Kind = "room" | "thread" | "dm";
const PageSize = 50;

interface Scope {
  kind: Kind;
  id: string;
  room?: Room;
  thread?: ThreadInfo;
  dm?: Dm;
}

function belongs(scope: Scope, m: Message): boolean {
  const t = m.target;
  if (scope.kind === "room") return t.kind === "room" && t.room_id === scope.id;
  if (scope.kind === "thread") return t.kind === "thread" && t.thread_id === scope.id;
  return t.kind === "dm" && t.dm_id === scope.id;
}

function canSend(scope: Scope): { ok: boolean; why: string } {
  const n = state.network;
  if (!n?.capabilities.human_ingress) return { ok: false, why: "Human messages are disabled on this network (server.human_ingress)." };
  if (!n.console.can_send_human) return { ok: false, why: "The console's credential cannot send as a human (it needs a static token with the write scope)." };
  const room = scope.kind === "dm" ? undefined : scope.room;
  if (room && room.access && !room.access.can_write) return { ok: false, why: `You cannot write to room ${room.id} (${room.access.reason ?? "write policy"}).` };
  return { ok: true, why: "" };
}

function candidates(scope: Scope): Agent[] {
  if (scope.kind === "dm") return state.agents;
  const roomId = scope.room?.id ?? scope.thread?.room_id;
  const members = new Set(scope.room?.members ?? []);
  return state.agents.filter((a) => members.has(a.id) || (roomId !== undefined && (a.rooms ?? []).includes(roomId)));
}

function target(scope: Scope): Target {
  if (scope.kind === "room") return { kind: "room", room_id: scope.id };
  if (scope.kind === "thread") return { kind: "thread", thread_id: scope.id, room_id: scope.thread?.room_id ?? "" };
  return { kind: "dm", dm_id: scope.id, participant_ids: scope.dm?.participant_ids ?? [] };
}

export function timelineView(kind: Kind, id: string): View {
  const scope: Scope = { kind, id };
  const label = { room: "ROOM", thread: "THREAD", dm: "DM" }[kind];
  const heading = h("h1", { tabindex: -1 }, `${label}: ${id}`);
  const meta = h("p", { class: "meta" });
  const extra = h("div", { class: "extra" });
  const older = h("button", { type: "button", class: "older", hidden: true }, "Load older messages");
  const list = h("ol", { class: "timeline", role: "log", "aria-live": "polite", "aria-label": `Messages in ${kind} ${id}` });
  const scroller = h("div", { class: "scroller", tabindex: 0, "aria-label": "Message history" }, older, list);
  const footer = h("div", { class: "composer-slot" });
  const el = h("section", { class: "view timeline-view", "aria-labelledby": `tl-${kind}` }, heading, meta, extra, scroller, footer);
  heading.id = `tl-${kind}`;

  const seen = new Set<string>();
  let page: PageInfo = { has_more: false };
  let count = 0;
  let loadingOlder = false;

  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 32;

  function describe(): void {
    const parts: (string | Node)[] = [`${count} message${count === 1 ? "" : "s"}`];
    if (scope.room) parts.push(` · ${scope.room.visibility} read / ${scope.room.write_policy.replace("_", " ")} write · ${(scope.room.members ?? []).length} members`);
    if (scope.thread) parts.push(" · in room ", h("a", { href: href("room", scope.thread.room_id) }, "#" + scope.thread.room_id));
    if (scope.dm) parts.push(` · ${(scope.dm.participant_ids ?? []).join(", ")}`);
    replace(meta, ...parts);
  }

  function add(messages: Message[], where: "start" | "end"): void {
    const rows = messages.filter((m) => !seen.has(m.id)).map((m) => {
      seen.add(m.id);
      return messageRow(m);
    });
    if (where === "end") list.append(...rows);
    else list.prepend(...rows);
  }

  async function loadThreads(): Promise<void> {
    if (kind !== "room") return;
    try {
      const res = await api<{ threads: ThreadInfo[] }>(`/v1/rooms/${enc(id)}/threads?limit=100`);
      replace(extra, res.threads.length
        ? h("details", { class: "threads", open: true }, h("summary", {}, `Threads (${res.threads.length})`),
          h("ul", {}, res.threads.map((t) => h("li", {}, h("a", { href: href("thread", t.id) }, t.id), ` · ${t.message_count} msgs`))))
        : null);
    } catch {
      replace(extra);
    }
  }

  async function loadOlder(): Promise<void> {
    if (!page.has_more || !page.next_before || loadingOlder) return;
    loadingOlder = true;
    const before = scroller.scrollHeight - scroller.scrollTop;
    try {
      const res = await api<{ messages: Message[]; page: PageInfo }>(`${path()}?limit=${PageSize}&before=${enc(page.next_before)}`);
      page = res.page;
      add(res.messages, "start");
      scroller.scrollTop = scroller.scrollHeight - before;
      older.hidden = !page.has_more;
    } finally {
      loadingOlder = false;
    }
  }

  const path = () => (kind === "room" ? `/v1/rooms/${enc(id)}/messages` : kind === "thread" ? `/v1/threads/${enc(id)}/messages` : `/v1/dms/${enc(id)}/messages`);

  async function load(): Promise<void> {
    try {
      if (kind === "room") scope.room = await api<Room>(`/v1/rooms/${enc(id)}`);
      if (kind === "thread") scope.thread = await api<ThreadInfo>(`/v1/threads/${enc(id)}`);
      if (kind === "dm") scope.dm = await api<Dm>(`/v1/dms/${enc(id)}`);
      if (scope.room) heading.textContent = `${label}: ${scope.room.name !== id ? `${scope.room.name} (${id})` : id}`;
      const res = await api<{ messages: Message[]; page: PageInfo }>(`${path()}?limit=${PageSize}`);
      page = res.page;
      count = scope.thread?.message_count ?? scope.dm?.message_count ?? res.messages.length;
      add(res.messages, "end");
      older.hidden = !page.has_more;
      describe();
      scroller.scrollTop = scroller.scrollHeight;
      const allowed = canSend(scope);
      replace(footer, allowed.ok
        ? composer({ prompt: `${state.network?.id ?? "moltnet"}@moltnet ~ /${kind}/${id}`, target: () => target(scope), candidates: () => candidates(scope), label: `Send to ${kind} ${id}` })
        : h("p", { class: "note" }, allowed.why));
      void loadThreads();
    } catch (e) {
      const err = e as ApiError;
      replace(list, h("li", { class: "error", role: "alert" }, err.status === 404 ? `Not found: ${err.message}` : err.message));
    }
  }

  older.addEventListener("click", () => void loadOlder());
  scroller.addEventListener("scroll", () => {
    if (scroller.scrollTop < 120) void loadOlder();
  });
  void load();

  return {
    el,
    title: `${label} ${id}`,
    onEvent(e: MoltEvent) {
      if (e.type === "message.created" && e.message) {
        if (belongs(scope, e.message) && !seen.has(e.message.id)) {
          const follow = atBottom();
          add([e.message], "end");
          count++;
          describe();
          if (follow) scroller.scrollTop = scroller.scrollHeight;
        } else if (kind === "room" && e.message.target.kind === "thread" && e.message.target.room_id === id) void loadThreads();
      }
      if (e.type === "thread.created" && kind === "room" && e.thread?.room_id === id) void loadThreads();
      if ((e.type === "room.members.updated" || e.type === "room.removed") && e.room?.id === (scope.room?.id ?? scope.thread?.room_id)) {
        if (e.type === "room.removed") replace(footer, h("p", { class: "note", role: "alert" }, `Room ${e.room?.id} was removed.`));
        else if (scope.room && e.room) {
          scope.room = { ...scope.room, members: e.room.members };
          describe();
        }
      }
    },
    async onResume() {
      // After a reconnect the stream replays what we missed, but a replay gap can skip messages: fetch newer ones.
      const last = list.lastElementChild?.getAttribute("data-id");
      if (!last) return;
      try {
        const res = await api<{ messages: Message[] }>(`${path()}?limit=500&after=${enc(last)}`);
        add(res.messages, "end");
      } catch {
        // Keep what we have.
      }
    },
  };
}
