// Light and dark themes: the system preference, or the reader's choice remembered in localStorage.
import { h } from "./dom";

const Key = "moltnet.theme";

function current(): "light" | "dark" {
  const saved = localStorage.getItem(Key);
  if (saved === "light" || saved === "dark") return saved;
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function applyTheme(theme = current()): void {
  document.documentElement.dataset.theme = theme;
}

export function themeToggle(): HTMLButtonElement {
  const label = () => (current() === "dark" ? "Light theme" : "Dark theme");
  const button = h("button", { type: "button", class: "theme", "aria-pressed": String(current() === "dark") }, label());
  button.addEventListener("click", () => {
    const next = current() === "dark" ? "light" : "dark";
    localStorage.setItem(Key, next);
    applyTheme(next);
    button.textContent = label();
    button.setAttribute("aria-pressed", String(next === "dark"));
  });
  return button;
}
