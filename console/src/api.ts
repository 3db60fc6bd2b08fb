// fetch wrapper: JSON in and out, the {error, code, request_id} envelope as ApiError, request latency for the status bar.
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code: string = "", readonly requestId: string = "") {
    super(message);
  }
}

export const latency = { last: 0, listeners: new Set<() => void>() };

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
      signal: init.signal,
    });
  } catch (e) {
    throw new ApiError(0, `network error: ${(e as Error).message}`);
  }
  latency.last = Math.round(performance.now() - started);
  latency.listeners.forEach((l) => l());
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text.length ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const env = (body ?? {}) as { error?: string; code?: string; request_id?: string };
    throw new ApiError(res.status, env.error ?? `${res.status} ${res.statusText}`, env.code, env.request_id);
  }
  return body as T;
}

/** Every page of a collection (`{<key>: [...], page}`), following `next_after`. */
export async function all<T>(path: string, key: string): Promise<T[]> {
  const items: T[] = [];
  let after = "";
  for (let i = 0; i < 50; i++) {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api<Record<string, unknown>>(`${path}${sep}limit=500${after ? `&after=${encodeURIComponent(after)}` : ""}`);
    items.push(...((page[key] as T[]) ?? []));
    const info = page.page as { has_more?: boolean; next_after?: string } | undefined;
    if (!info?.next_after) break;
    after = info.next_after;
  }
  return items;
}

export const enc = encodeURIComponent;
