import type { MoltEvent } from "../types";

/** A page of the console: its element, and optional hooks for live events, state changes and teardown. */
export interface View {
  el: HTMLElement;
  title: string;
  onEvent?(e: MoltEvent): void;
  onState?(): void;
  onResume?(): void;
  dispose?(): void;
}
