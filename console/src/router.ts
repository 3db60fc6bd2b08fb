// URL = selection state: /console/room/<id>, /thread/<id>, /dm/<id>, /agent/<id>, /pairing/<id>, /events, /nodes[/<id>], /cluster.
export interface Route { kind: string; id: string }

export const Base = "/console/";

export function parse(pathname: string): Route {
  const rest = pathname.startsWith(Base) ? pathname.slice(Base.length) : "";
  const [kind = "", ...id] = rest.split("/").filter((s) => s.length > 0);
  return { kind, id: decodeURIComponent(id.join("/")) };
}

export function href(kind: string, id = ""): string {
  return Base + kind + (id ? "/" + encodeURIComponent(id) : "");
}

export function navigate(url: string): void {
  history.pushState(null, "", url);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** Same-origin links under /console/ navigate without a reload. */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener("click", (e) => {
    const a = (e.target as Element).closest("a");
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(Base)) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
}
