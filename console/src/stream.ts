// The live event stream (SSE). The browser's EventSource resumes by itself with Last-Event-ID after a dropped
// connection; when it gives up (the server answered an error), we reopen with ?last_event_id= and a backoff.
import type { MoltEvent } from "./types";

export type StreamStatus = "connecting" | "open" | "reconnecting" | "unsupported" | "closed";

export const EventTypes = [
  "message.created", "room.created", "room.removed", "room.members.updated", "thread.created", "dm.created",
  "pairing.updated", "agent.connected", "agent.disconnected", "agent.removed", "agent.wake.delivered",
  "agent.wake.failed", "stream.replay_gap",
];

export interface StreamInfo {
  status: StreamStatus;
  lastEventId: string;
  reconnects: number;
  resumedFrom: string;
}

export class EventStream {
  readonly info: StreamInfo = { status: "connecting", lastEventId: "", reconnects: 0, resumedFrom: "" };
  private source: EventSource | null = null;
  private retry = 1000;
  private timer: number | undefined;
  private wasOpen = false;

  constructor(
    private readonly onEvent: (e: MoltEvent) => void,
    private readonly onStatus: (info: StreamInfo) => void,
    private readonly onResume: () => void,
  ) {}

  start(supported: boolean): void {
    if (!supported || typeof EventSource === "undefined") {
      this.set("unsupported");
      return;
    }
    this.open();
  }

  private open(): void {
    const url = this.info.lastEventId ? `/v1/events/stream?last_event_id=${encodeURIComponent(this.info.lastEventId)}` : "/v1/events/stream";
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    source.onopen = () => {
      this.retry = 1000;
      if (this.wasOpen) {
        this.info.reconnects++;
        this.info.resumedFrom = this.info.lastEventId;
        this.onResume();
      }
      this.wasOpen = true;
      this.set("open");
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        this.set("reconnecting");
        this.timer = window.setTimeout(() => this.open(), this.retry);
        this.retry = Math.min(this.retry * 2, 30000);
      } else {
        this.set("reconnecting");
      }
    };
    for (const type of EventTypes) {
      source.addEventListener(type, (m) => {
        const msg = m as MessageEvent<string>;
        if (msg.lastEventId) this.info.lastEventId = msg.lastEventId;
        try {
          this.onEvent(JSON.parse(msg.data) as MoltEvent);
        } catch {
          // A frame that is not JSON is skipped.
        }
      });
    }
  }

  stop(): void {
    window.clearTimeout(this.timer);
    this.source?.close();
    this.set("closed");
  }

  private set(status: StreamStatus): void {
    this.info.status = status;
    this.onStatus(this.info);
  }
}
