import { fill, h } from "./dom.js";
import { bulkText, jobView, listView, overviewView, poolsView, recurringView, rejectedView } from "./views.js";

const main = document.getElementById("main");
const banner = document.getElementById("connection");
const live = document.getElementById("live");
let current = { refresh: async () => undefined };

/** Shows the view the address names; the address is the only navigation state. */
function show() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = hash.split("?");
  const params = new URLSearchParams(query);
  if (path.startsWith("/job/")) current = jobView(main, decodeURIComponent(path.slice(5)));
  else if (path === "/jobs") current = listView(main, params);
  else if (path === "/rejected") current = rejectedView(main, params);
  else if (path === "/recurring") current = recurringView(main);
  else if (path === "/pools") current = poolsView(main);
  else current = overviewView(main);
  for (const a of document.querySelectorAll("nav.site a")) {
    if (a.getAttribute("href") === `#${path}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  refresh();
}

// One refresh at a time; a change pushed meanwhile asks for one more after it.
let refreshing = false;
let again = false;
async function refresh() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    do {
      again = false;
      await current.refresh();
    } while (again);
  } finally {
    refreshing = false;
  }
}

function setBanner(text, kind) {
  if (!text) {
    banner.hidden = true;
    fill(banner);
    return;
  }
  banner.hidden = false;
  banner.className = `banner banner-${kind}`;
  fill(banner, text);
}

// Pushed by the server: the page never polls.
const events = new EventSource("api/events");
events.addEventListener("open", () => {
  live.textContent = "live";
  live.className = "live live-on";
});
events.addEventListener("error", () => {
  live.textContent = "reconnecting…";
  live.className = "live live-off";
});
events.addEventListener("stats", () => refresh());
events.addEventListener("redis", (e) => {
  const state = JSON.parse(e.data);
  document.body.dataset.redis = state.reachable ? "up" : "down";
  if (state.reachable) {
    setBanner(null);
    refresh();
  } else {
    setBanner(`Cannot reach Redis: ${state.message ?? "no answer"}. What the page shows may be out of date; it updates when Redis answers again.`, "down");
  }
});
events.addEventListener("bulk", (e) => {
  const task = JSON.parse(e.data);
  const box = document.querySelector(`.bulk-progress[data-task="${CSS.escape(task.id)}"]`);
  if (box) fill(box, bulkText(task));
});

// After navigating, keyboard and screen-reader users start at the new view, not at the old link.
window.addEventListener("hashchange", () => {
  show();
  main.focus({ preventScroll: true });
});
show();
