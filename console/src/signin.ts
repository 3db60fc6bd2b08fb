// Shown when /v1/network refuses the console: explains the ?access_token= bootstrap and offers a form for it.
import type { ApiError } from "./api";
import { h } from "./dom";

export function signIn(error: ApiError): HTMLElement {
  const input = h("input", { id: "token", type: "password", class: "input", autocomplete: "off", required: true });
  const form = h("form", { class: "signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Moltnet console"),
    h("p", { role: "alert", class: "error" }, error.status === 401 || error.status === 403
      ? `The server refused the console's credential (${error.message}).`
      : `Could not reach the server: ${error.message}`),
    h("p", {}, "Open the console once with ", h("code", {}, "/console/?access_token=<token>"),
      " (a token with the observe scope, plus write to send as a human): the server keeps it in an HTTP-only cookie."),
    h("label", { for: "token" }, "Access token"),
    input,
    h("button", { type: "submit" }, "Open the console"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    location.href = `/console/?access_token=${encodeURIComponent(input.value.trim())}`;
  });
  return h("main", { id: "content", class: "signin-page" }, form);
}
