// Shared console state: the network document, the sidebar collections and the live event buffer.
import { all, api, ApiError } from "./api";
import type { Agent, Dm, MoltEvent, Network, Pairing, Room } from "./types";

export interface State {
  network: Network | null;
  rooms: Room[];
  dms: Dm[];
  agents: Agent[];
  pairings: Pairing[];
  events: MoltEvent[];
  error: ApiError | null;
}

export const state: State = { network: null, rooms: [], dms: [], agents: [], pairings: [], events: [], error: null };

type Listener = () => void;
const listeners = new Set<Listener>();
export function subscribe(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
function changed(): void {
  listeners.forEach((l) => l());
}

const MaxEvents = 1000;

export function record(evt: MoltEvent): void {
  state.events.unshift(evt);
  if (state.events.length > MaxEvents) state.events.length = MaxEvents;
}

async function quiet<T>(load: Promise<T>, fallback: T): Promise<T> {
  try {
    return await load;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)) return fallback;
    throw e;
  }
}

/** Loads the network document (401 there means the console has no credential) and then the collections. */
export async function load(): Promise<void> {
  try {
    state.network = await api<Network>("/v1/network");
    state.error = null;
  } catch (e) {
    state.error = e instanceof ApiError ? e : new ApiError(0, String(e));
    changed();
    return;
  }
  await refreshAll();
}

export async function refreshAll(): Promise<void> {
  const n = state.network;
  const [rooms, dms, agents, pairings] = await Promise.all([
    quiet(all<Room>("/v1/rooms", "rooms"), []),
    n?.capabilities.direct_messages ? quiet(all<Dm>("/v1/dms", "dms"), []) : Promise.resolve([]),
    quiet(all<Agent>("/v1/agents", "agents"), []),
    quiet(all<Pairing>("/v1/pairings", "pairings"), []),
  ]);
  Object.assign(state, { rooms, dms, agents, pairings });
  changed();
}

let pending: number | undefined;
/** Coalesces bursts of events into one refresh of the collections. */
export function refreshSoon(network = false): void {
  if (pending !== undefined) return;
  pending = window.setTimeout(async () => {
    pending = undefined;
    try {
      if (network) state.network = await api<Network>("/v1/network");
      await refreshAll();
    } catch {
      // The next event or reconnect refreshes again.
    }
  }, 150);
}

/** Applies an event to the collections without a round trip where the payload says enough. */
export function apply(evt: MoltEvent): void {
  record(evt);
  switch (evt.type) {
    case "message.created": {
      const m = evt.message;
      if (m?.target.kind === "dm") {
        const dm = state.dms.find((d) => d.id === m.target.dm_id);
        if (dm) {
          dm.message_count++;
          dm.last_message_at = m.created_at;
        }
      }
      break;
    }
    case "agent.connected":
    case "agent.disconnected": {
      const a = state.agents.find((x) => x.id === evt.agent?.agent_id);
      if (a) a.connected = evt.type === "agent.connected";
      else refreshSoon();
      break;
    }
    case "pairing.updated":
      refreshSoon(true);
      break;
    case "agent.wake.delivered":
    case "agent.wake.failed":
      break;
    default:
      refreshSoon();
  }
  changed();
}
