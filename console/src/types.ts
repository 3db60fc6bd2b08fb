// Wire shapes of moltnet.http.v1 (snake_case, optional fields omitted when empty).
export interface Warning { severity: "info" | "warning" | "error"; code: string; message: string; action?: string; docs_url?: string }
export interface Network {
  id: string; name: string; version: string;
  protocols: { http: string[]; attach: string[]; pair: string[] };
  capabilities: {
    event_stream: string; attachment_protocol: string; public_read: boolean; agent_registration: string;
    debug_events?: boolean; human_ingress: boolean; direct_messages: boolean; message_pagination: string; pairings: boolean;
  };
  console: { can_send_human: boolean };
  warnings?: Warning[];
}
export interface PageInfo { has_more: boolean; next_before?: string; next_after?: string }
export interface Room {
  id: string; network_id: string; fqid: string; name: string; members?: string[]; visibility: string; write_policy: string;
  access?: { can_read: boolean; can_write: boolean; reason?: string }; created_at: string;
}
export interface ThreadInfo { id: string; network_id: string; fqid: string; room_id: string; parent_message_id?: string; message_count: number; last_message_at: string }
export interface Dm { id: string; network_id: string; fqid: string; participant_ids?: string[]; message_count: number; last_message_at: string }
export interface Actor { type: string; id: string; name?: string; network_id?: string; fqid?: string }
export interface Target { kind: "room" | "thread" | "dm"; room_id?: string; thread_id?: string; parent_message_id?: string; dm_id?: string; participant_ids?: string[] }
export interface Part { kind: string; text?: string; media_type?: string; url?: string; filename?: string; data?: unknown }
export interface Message { id: string; network_id: string; origin: { network_id: string; message_id: string }; target: Target; from: Actor; parts: Part[]; mentions?: string[]; created_at: string }
export interface Agent { id: string; name?: string; actor_uid?: string; fqid?: string; network_id: string; rooms?: string[]; connected: boolean }
export interface Pairing {
  id: string; remote_network_id: string; remote_network_name?: string; remote_base_url?: string; status?: string;
  diagnostics?: { checked_at: string; remote_version?: string; remote_network_id?: string; remote_protocols: Record<string, string[]>; reason?: string; message?: string };
}
export interface EventAgent { agent_id: string; network_id: string; fqid: string; name?: string; reason?: string; error?: string; message_id?: string; target?: Target }
export interface MoltEvent {
  id: string; type: string; network_id: string; created_at: string;
  agent?: EventAgent; message?: Message; room?: Room; thread?: ThreadInfo; dm?: Dm; pairing?: Pairing;
  replay_gap?: { requested_event_id: string; oldest_event_id?: string; newest_event_id?: string };
  [key: string]: unknown;
}
