// The business view for staff: figures from the operations projection, read again every few seconds while the
// screen is open, so staff watch the day move without reloading.

import { get } from "../api.js";
import { h, fill, money, time, words } from "../dom.js";

const refreshEvery = 2000;

function minutes(value) {
  return value === null || value === undefined ? "–" : `${value.toFixed(1)} min`;
}

function figure(name, label, value) {
  return [h("dt", {}, label), h("dd", { "data-figure": name }, value)];
}

function revenue(byCurrency) {
  const entries = Object.entries(byCurrency ?? {});
  return entries.length ? entries.map(([currency, amount]) => money(amount, currency)).join(" + ") : money(0);
}

function render(box, view, isAdmin) {
  const statuses = Object.entries(view.ordersByStatus);
  const perMinute = view.ordersPerMinute;
  const highest = Math.max(1, ...perMinute);
  fill(box,
    h("section", { "aria-labelledby": "ops-today" },
      h("h2", { id: "ops-today" }, "Today"),
      h("dl", { class: "figures" },
        figure("placedToday", "Orders placed", view.placedToday),
        figure("ordersLastMinute", "Orders this minute", view.ordersLastMinute),
        figure("revenueToday", "Revenue (delivered)", revenue(view.revenueToday)),
        figure("cooking", "Cooking, measured / estimate", `${minutes(view.cooking.averageMinutes)} / ${minutes(view.cooking.estimateMinutes)} (${view.cooking.samples} orders)`),
        figure("delivery", "Delivery, measured / estimate", `${minutes(view.delivery.averageMinutes)} / ${minutes(view.delivery.estimateMinutes)} (${view.delivery.samples} orders)`),
        figure("paymentFailuresToday", "Payment failures", view.paymentFailuresToday),
        figure("openLowRatingAlerts", "Open low-rating alerts", view.openLowRatingAlerts))),
    h("section", { "aria-labelledby": "ops-status" },
      h("h2", { id: "ops-status" }, "Orders by status"),
      h("table", { class: "stack" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Status"), h("th", { scope: "col" }, "Orders"))),
        h("tbody", {}, statuses.map(([status, count]) =>
          h("tr", { "data-status": status }, h("td", {}, words(status)), h("td", {}, count)))))),
    h("section", { "aria-labelledby": "ops-minute" },
      h("h2", { id: "ops-minute" }, `Orders per minute, last ${perMinute.length} minutes`),
      h("ol", { class: "bars", "aria-label": "Orders placed per minute, oldest first" },
        perMinute.map(count => h("li", { style: `--share:${count / highest}`, title: `${count}` }, count)))),
    h("section", { "aria-labelledby": "ops-slow" },
      h("h2", { id: "ops-slow" }, "Slowest orders in progress"),
      view.slowestInProgress.length
        ? h("table", { class: "stack" },
          h("thead", {}, h("tr", {}, ["Order", "Status", "Placed", "Waiting", "Late by"].map(t => h("th", { scope: "col" }, t)))),
          h("tbody", {}, view.slowestInProgress.map(order => h("tr", { "data-order": order.number },
            h("td", {}, order.number), h("td", {}, words(order.status)), h("td", {}, time(order.placedAt)),
            h("td", {}, minutes(order.ageMinutes)), h("td", {}, order.lateMinutes ? minutes(order.lateMinutes) : "on time")))))
        : h("p", {}, "No orders in progress.")),
    h("section", { "aria-labelledby": "ops-payments" },
      h("h2", { id: "ops-payments" }, "Recent payment failures"),
      view.recentPaymentFailures.length
        ? h("ul", {}, view.recentPaymentFailures.map(failure =>
          h("li", {}, `${failure.number} (${words(failure.paymentType)}) at ${time(failure.at)}: ${failure.reason ?? "failed"}`)))
        : h("p", {}, "None today.")),
    h("section", { "aria-labelledby": "ops-ratings" },
      h("h2", { id: "ops-ratings" }, "Low-rating alerts"),
      view.lowRatingAlerts.length
        ? h("ul", {}, view.lowRatingAlerts.map(alert =>
          h("li", {}, `${alert.orderNumber}: ${alert.stars} star${alert.stars === 1 ? "" : "s"}${alert.comment ? ` – “${alert.comment}”` : ""}`)))
        : h("p", {}, "No open alerts.")),
    h("p", { class: "muted" }, `Updated ${time(view.at)}. `,
      isAdmin ? h("a", { href: "/dashboard/" }, "Open the Orleans Dashboard") : "The Orleans Dashboard is for admins and operators."));
}

export async function operations({ main, context }) {
  const box = h("div", { "aria-live": "polite" });
  fill(main, h("h1", {}, "Business view"), h("p", {}, h("a", { href: "/staff" }, "Back to the staff board")), box);
  let stopped = false;
  let timer = null;
  const refresh = async () => {
    try {
      render(box, await get("/api/staff/operations"), context.me?.role === "Admin");
    } catch (error) {
      console.warn("Could not read the business view", error);
    }
    if (!stopped) {
      timer = setTimeout(refresh, refreshEvery);
    }
  };
  await refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
