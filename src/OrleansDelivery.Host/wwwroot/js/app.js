// The client's shell: who is signed in, the navigation, and a router over the History API (the server answers
// every client path with index.html, so a reload or a shared link opens the same screen).

import { get, ApiError } from "./api.js";
import { h, fill, toast } from "./dom.js";
import * as live from "./live.js";
import * as account from "./screens/account.js";
import * as shop from "./screens/shop.js";
import * as orders from "./screens/orders.js";
import * as more from "./screens/more.js";
import * as operations from "./screens/operations.js";

const routes = [
  [/^\/$/, shop.catalogue],
  [/^\/products\/(?<id>[0-9a-f-]+)$/, shop.product],
  [/^\/signup$/, account.signUp],
  [/^\/confirm\/(?<signUpId>[0-9a-f-]+)$/, account.confirm],
  [/^\/signin$/, account.signIn],
  [/^\/cart$/, shop.cart, { signedIn: true }],
  [/^\/checkout$/, shop.checkout, { signedIn: true }],
  [/^\/orders$/, orders.history, { signedIn: true }],
  [/^\/orders\/(?<id>[0-9a-f-]+)$/, orders.tracker, { signedIn: true }],
  [/^\/stats$/, orders.statistics, { signedIn: true }],
  [/^\/favorites$/, orders.favorites, { signedIn: true }],
  [/^\/recommendations$/, orders.recommendations, { signedIn: true }],
  [/^\/notifications$/, more.notifications, { signedIn: true }],
  [/^\/sales$/, more.sales, { signedIn: true }],
  [/^\/profile$/, account.profile, { signedIn: true }],
  [/^\/staff$/, more.staffBoard, { signedIn: true, staff: true }],
  [/^\/staff\/operations$/, operations.operations, { signedIn: true, staff: true }],
];

const context = {
  me: null,
  navigate,
  refresh: () => render(),
  signedIn: async () => {
    await loadMe();
    renderNav();
    startLive();
  },
  signedOut: async () => {
    context.me = null;
    sessionStorage.removeItem("od_csrf");
    await live.disconnect();
    renderNav();
  },
  isStaff: () => context.me?.role === "Staff" || context.me?.role === "Admin",
};

let leave = null; // what the current screen stops when another one opens

async function loadMe() {
  try {
    context.me = await get("/api/me");
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) {
      console.warn("Could not read the profile", error);
    }
    context.me = null;
  }
}

function renderNav() {
  const nav = document.getElementById("nav");
  const links = [["/", "Catalogue"]];
  if (context.me) {
    links.push(["/cart", "Cart"], ["/orders", "Orders"], ["/favorites", "Favourites"], ["/recommendations", "For you"],
      ["/stats", "Statistics"], ["/notifications", "Notifications"], ["/sales", "Sell"], ["/profile", "Profile"]);
    if (context.isStaff()) {
      links.push(["/staff", "Staff board"]);
    }
  } else {
    links.push(["/signin", "Sign in"], ["/signup", "Sign up"]);
  }
  fill(nav, ...links.map(([href, text]) => h("li", {}, h("a", { href }, text))));
  markCurrent();
}

function markCurrent() {
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.getAttribute("href") === location.pathname) {
      link.setAttribute("aria-current", "page");
    } else {
      link.removeAttribute("aria-current");
    }
  }
}

function startLive() {
  if (!context.me) {
    return;
  }
  live.connect().catch(error => console.warn("Live updates are off for now", error));
}

export function navigate(path, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, "", path);
  } else {
    history.pushState(null, "", path);
  }
  return render();
}

async function render() {
  if (leave) {
    leave();
    leave = null;
  }
  const main = document.getElementById("main");
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const match = routes.map(([pattern, screen, rules]) => [pattern.exec(path), screen, rules ?? {}]).find(([found]) => found);
  markCurrent();
  if (!match) {
    fill(main, h("h1", {}, "Page not found"), h("p", {}, h("a", { href: "/" }, "Back to the catalogue")));
    return;
  }
  const [found, screen, rules] = match;
  if (rules.signedIn && !context.me) {
    return navigate(`/signin?returnTo=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }
  if (rules.staff && !context.isStaff()) {
    fill(main, h("h1", {}, "Staff only"), h("p", {}, "This page is for staff."));
    return;
  }
  // Each navigation renders into a view of its own: a screen still loading when the customer moves on fills a view
  // no longer on the page, instead of replacing the newer screen (and whatever was typed into it).
  const view = h("div", { class: "view" });
  fill(main, view);
  fill(view, h("p", { class: "muted" }, "Loading…"));
  try {
    const cleanup = await screen({ main: view, params: found.groups ?? {}, query: new URLSearchParams(location.search), context });
    if (typeof cleanup === "function") {
      if (view.isConnected) {
        leave = cleanup;
      } else {
        cleanup();
      }
    }
  } catch (error) {
    console.error(error);
    if (!view.isConnected) {
      return;
    }
    if (error instanceof ApiError && error.status === 401) {
      await context.signedOut();
      return navigate("/signin", { replace: true });
    }
    fill(view, h("h1", {}, "Something went wrong"), h("p", { class: "alert", role: "alert" }, error.message));
  }
  const heading = view.isConnected ? view.querySelector("h1") : null;
  if (heading) {
    document.title = `${heading.textContent} · OrleansDelivery`;
  }
}

// Same-origin links open inside the page.
document.addEventListener("click", event => {
  const link = event.target.closest("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || link.target) {
    return;
  }
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || /^\/(api|hubs|openapi|health|scalar|dashboard|metrics)(\/|$)/.test(url.pathname)) {
    return;
  }
  event.preventDefault();
  navigate(url.pathname + url.search).then(() => document.getElementById("main").focus());
});

window.addEventListener("popstate", () => render());

live.onNotification(notification => {
  toast(`${notification.title}: ${notification.body}`);
  document.dispatchEvent(new CustomEvent("od:notification", { detail: notification }));
});

await loadMe();
renderNav();
startLive();
await render();
