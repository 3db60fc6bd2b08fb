// The human composer: Enter sends, Shift/Ctrl/Cmd+Enter adds a line, "@" completes agent ids (an ARIA combobox).
import { api, ApiError } from "../api";
import { h, replace } from "../dom";
import type { Agent, Target } from "../types";

export interface ComposerOptions {
  prompt: string;
  target: () => Target;
  candidates: () => Agent[];
  label: string;
}

let seq = 0;

export function composer(opts: ComposerOptions): HTMLElement {
  const id = `composer-${++seq}`;
  const list = h("ul", { id: `${id}-list`, role: "listbox", class: "mentions", hidden: true, "aria-label": "Agents to mention" });
  const input = h("textarea", {
    id, rows: 2, class: "input", placeholder: "Message as Operator — @ to mention an agent",
    role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": list.id,
    "aria-describedby": `${id}-hint`,
  });
  const status = h("p", { class: "composer-status", role: "status", "aria-live": "polite" });
  const send = h("button", { type: "submit", class: "send" }, "Send");
  const form = h("form", { class: "composer", "aria-label": opts.label },
    h("label", { for: id, class: "prompt" }, opts.prompt),
    h("div", { class: "composer-row" }, input, send),
    list,
    status,
    h("p", { id: `${id}-hint`, class: "hint" }, "Enter sends · Shift+Enter new line · @ mentions an agent"));

  const mentions = new Set<string>();
  let matches: Agent[] = [];
  let active = 0;

  function query(): { start: number; text: string } | null {
    const upto = input.value.slice(0, input.selectionStart ?? input.value.length);
    const m = /(^|\s)@([A-Za-z0-9._:-]*)$/.exec(upto);
    return m ? { start: upto.length - m[2].length - 1, text: m[2].toLowerCase() } : null;
  }

  function close(): void {
    matches = [];
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function show(): void {
    const q = query();
    if (!q) return close();
    matches = opts.candidates()
      .filter((a) => a.id.toLowerCase().includes(q.text) || (a.fqid ?? "").toLowerCase().includes(q.text) || (a.name ?? "").toLowerCase().includes(q.text))
      .slice(0, 5);
    if (!matches.length) return close();
    active = Math.min(active, matches.length - 1);
    replace(list, matches.map((a, i) => h("li", {
      id: `${id}-opt-${i}`, role: "option", "aria-selected": i === active ? "true" : "false",
      onmousedown: (e: Event) => {
        e.preventDefault();
        choose(i);
      },
    }, h("strong", {}, "@" + a.id), a.name && a.name !== a.id ? ` ${a.name}` : "", a.connected ? " ● online" : "")));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    input.setAttribute("aria-activedescendant", `${id}-opt-${active}`);
  }

  function choose(i: number): void {
    const q = query();
    const agent = matches[i];
    if (!q || !agent) return;
    const caret = input.selectionStart ?? input.value.length;
    const token = `@${agent.id} `;
    input.value = input.value.slice(0, q.start) + token + input.value.slice(caret);
    const at = q.start + token.length;
    input.setSelectionRange(at, at);
    mentions.add(agent.id);
    close();
    input.focus();
  }

  async function submit(): Promise<void> {
    const text = input.value.trim();
    if (!text) return;
    const used = [...mentions].filter((m) => text.includes(`@${m}`));
    send.disabled = true;
    status.className = "composer-status";
    status.textContent = "Sending…";
    try {
      await api("/v1/messages", {
        method: "POST",
        body: {
          target: opts.target(),
          from: { type: "human", id: "operator", name: "Operator" },
          parts: [{ kind: "text", text }],
          ...(used.length ? { mentions: used } : {}),
        },
      });
      input.value = "";
      mentions.clear();
      status.textContent = "Sent.";
    } catch (e) {
      const err = e as ApiError;
      status.className = "composer-status error";
      status.setAttribute("role", "alert");
      status.textContent = err.status === 401 ? "Not sent: the console's credential needs the write scope." : `Not sent: ${err.message}`;
    } finally {
      send.disabled = false;
      input.focus();
    }
  }

  input.addEventListener("input", () => {
    active = 0;
    show();
  });
  input.addEventListener("blur", () => close());
  input.addEventListener("keydown", (e) => {
    if (!list.hidden && matches.length) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        active = (active + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
        show();
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        choose(active);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        close();
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void submit();
  });
  return form;
}
