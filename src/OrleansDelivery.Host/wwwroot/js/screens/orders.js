// An order followed live, with its payment, cancel, rating and favourite; history, statistics, favourites and
// recommendations.

import { get, post, del, put, query } from "../api.js";
import { h, fill, choice, add, money, when, time, words, values, busy, toast, showError, clearError } from "../dom.js";
import * as live from "../live.js";

const allStatuses = ["Placed", "AwaitingPayment", "PaymentFailed", "Confirmed", "Cooking", "ReadyForDelivery", "OutForDelivery", "Delivered", "Cancelled"];
const prepaid = type => type === "Card" || type === "QrCode";

/** The steps an order goes through, given how it is paid. */
function journey(order) {
  return ["Placed", ...(prepaid(order.payment.type) ? ["AwaitingPayment"] : []), "Confirmed", "Cooking", "ReadyForDelivery", "OutForDelivery", "Delivered"];
}

function expectedAt(order, status) {
  if (status === "ReadyForDelivery") {
    return order.times.expectedCookingEndAt;
  }
  if (status === "Delivered") {
    return order.times.expectedDeliveryAt;
  }
  return null;
}

export async function tracker({ main, params, context }) {
  let order = await get(`/api/orders/${params.id}`);
  let lastSequence = Math.max(0, ...order.statusHistory.map(s => s.sequence));

  const statusLine = h("p", { class: "status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const connection = h("p", { class: "muted", "aria-live": "polite" }, "Live updates: connecting…");
  const timeline = h("ol", { class: "timeline", "aria-label": "Order progress" });
  const details = h("div");
  const actions = h("div");
  // Outside the panels that are drawn again on every step, so a refused payment stays explained.
  const notice = h("p", { class: "alert", role: "alert", hidden: true });

  const renderTimeline = () => {
    const reached = new Map();
    for (const change of order.statusHistory) {
      reached.set(change.status, change.at);
    }
    const steps = order.status === "Cancelled" || order.status === "PaymentFailed"
      ? order.statusHistory.map(change => change.status)
      : journey(order);
    fill(timeline, ...[...new Set(steps)].map(status => {
      const at = reached.get(status);
      const expected = expectedAt(order, status);
      const current = status === order.status;
      return h("li", { class: `${at ? "done" : ""} ${current ? "current" : ""}`, "aria-current": current ? "step" : null, "data-status": status },
        h("span", {}, words(status)), " ",
        h("span", { class: "muted" }, at ? `at ${time(at)}` : expected ? `expected ${time(expected)}` : "—"),
        at && expected ? h("span", { class: "muted" }, ` (expected ${time(expected)})`) : null);
    }));
    statusLine.textContent = `Status: ${words(order.status)}`;
  };

  const renderDetails = () => {
    const t = order.times;
    fill(details, 
      h("h2", {}, "Times"),
      h("div", { class: "times" },
        h("strong", {}, ""), h("strong", {}, "Estimated"), h("strong", {}, "Actual"),
        "Cooking done", h("span", {}, time(t.expectedCookingEndAt)), h("span", {}, time(t.readyAt)),
        "Delivered", h("span", {}, time(t.expectedDeliveryAt)), h("span", {}, time(t.deliveredAt))),
      h("h2", {}, "Items"),
      h("ul", {}, order.lines.map(line => h("li", {}, `${line.quantity} × ${line.name} — ${money(line.lineTotal, order.currency)}`, line.note ? ` (${line.note})` : ""))),
      h("p", {}, `Products ${money(order.productsPrice, order.currency)} + delivery ${money(order.deliveryPrice, order.currency)} = `,
        h("span", { class: "price" }, money(order.totalPrice, order.currency))),
      h("p", {}, `${words(order.delivery.method)}${order.delivery.address ? ` to ${order.delivery.address}` : ""} · ${order.delivery.contactName}, ${order.delivery.contactPhone}`),
      h("p", {}, `Payment: ${words(order.payment.type)} — ${words(order.payment.status)}`));
  };

  // The actions are drawn again only when what they offer changes: a refresh that brings the same order back (after
  // a pushed step the screen already showed) must not wipe a card number or a note being typed.
  let actionsDrawnFor = null;
  const renderActions = () => {
    const offer = JSON.stringify([order.status, order.payment?.status, order.couldBeCancelled, order.rating ?? null]);
    if (offer === actionsDrawnFor) {
      return;
    }
    actionsDrawnFor = offer;
    // What the customer has typed (and where) survives the redraw: a step can arrive while a card number is being
    // entered, as when a declined payment's PaymentFailed is pushed just after the page showed it.
    const typed = [...actions.querySelectorAll("input[id], textarea[id], select[id]")]
      .filter(field => field.type !== "radio" && field.type !== "checkbox" && field.value !== "")
      .map(field => [field.id, field.value]);
    const focused = actions.contains(document.activeElement) ? document.activeElement.id : null;
    fill(actions, 
      paymentPanel(order, updated => show(updated), notice),
      order.couldBeCancelled ? cancelPanel(order, updated => show(updated)) : null,
      order.status === "Delivered" ? ratingPanel(order, updated => show(updated)) : null,
      favouritePanel(order, context));
    for (const [id, value] of typed) {
      const field = document.getElementById(id);
      if (field && actions.contains(field) && field.value === "") {
        field.value = value;
      }
    }
    if (focused) {
      document.getElementById(focused)?.focus();
    }
  };

  const show = updated => {
    order = updated;
    if (!["AwaitingPayment", "PaymentFailed"].includes(order.status)) {
      notice.hidden = true;
    }
    lastSequence = Math.max(lastSequence, ...order.statusHistory.map(s => s.sequence));
    renderTimeline();
    renderDetails();
    renderActions();
  };

  // A pushed step moves the timeline at once; the full order (prices, actions) is read again just after, until
  // the read has caught up with the newest step seen.
  let wanted = lastSequence;
  let fetching = false;
  const newest = view => Math.max(0, ...view.statusHistory.map(s => s.sequence));
  const refresh = async () => {
    if (fetching) {
      return;
    }
    fetching = true;
    try {
      for (let tries = 0; tries < 10; tries++) {
        const fresh = await get(`/api/orders/${order.id}`);
        if (newest(fresh) >= wanted) {
          show(fresh);
          return;
        }
      }
    } catch (error) {
      console.warn("Could not refresh the order", error);
    } finally {
      fetching = false;
    }
  };
  const onUpdate = update => {
    if (!order.statusHistory.some(s => s.sequence === update.sequence)) {
      order.statusHistory = [...order.statusHistory, { sequence: update.sequence, status: update.status, at: update.at, by: "" }];
    }
    order.status = update.status;
    order.times = { ...order.times, expectedCookingEndAt: update.expectedCookingEndAt, expectedDeliveryAt: update.expectedDeliveryAt };
    wanted = Math.max(wanted, update.sequence);
    renderTimeline();
    refresh();
  };

  fill(main, 
    h("p", {}, h("a", { href: "/orders" }, "← All orders")),
    h("h1", {}, `Order ${order.number}`),
    statusLine, connection, timeline, notice, actions, details);
  show(order);

  const stopState = live.onConnectionState(state => {
    connection.textContent = `Live updates: ${state === "connected" ? "on" : state === "reconnecting" ? "reconnecting…" : "off"}`;
  });
  let stopWatching = () => {};
  try {
    stopWatching = await live.watchOrder(order.id, lastSequence, onUpdate);
    connection.textContent = "Live updates: on";
  } catch (error) {
    console.warn("Live tracking failed", error);
    connection.textContent = "Live updates are off; reload the page to see changes.";
  }
  return () => {
    stopWatching();
    stopState();
  };
}

const shownQrCodes = new Map();

function paymentPanel(order, show, notice) {
  if (!prepaid(order.payment.type) || !["AwaitingPayment", "PaymentFailed"].includes(order.status)) {
    return null;
  }
  const tell = message => {
    notice.textContent = message ?? "";
    notice.hidden = !message;
  };
  const box = h("section", { "aria-labelledby": "pay-heading" }, h("h2", { id: "pay-heading" }, "Payment"));
  if (order.status === "PaymentFailed") {
    add(box, h("p", { class: "warning" }, "The last payment failed. You can try again."));
  }
  if (order.payment.type === "Card") {
    const year = new Date().getFullYear();
    const form = h("form", { novalidate: true },
      h("label", {}, "Card number", h("input", { name: "number", "data-field": "card.number", id: "f-card-number", inputmode: "numeric", autocomplete: "cc-number" })),
      h("div", { class: "actions" },
        h("label", {}, "Expiry month", h("input", { name: "expiryMonth", "data-field": "card.expiryMonth", id: "f-card-month", type: "number", min: "1", max: "12", autocomplete: "cc-exp-month" })),
        h("label", {}, "Expiry year", h("input", { name: "expiryYear", "data-field": "card.expiryYear", id: "f-card-year", type: "number", min: String(year), autocomplete: "cc-exp-year" }))),
      h("label", {}, "CVC", h("input", { name: "cvc", "data-field": "card.cvc", id: "f-card-cvc", inputmode: "numeric", autocomplete: "cc-csc" })),
      h("label", {}, "Card holder", h("input", { name: "holder", "data-field": "card.holder", id: "f-card-holder", autocomplete: "cc-name" })),
      h("div", { class: "actions" }, h("button", { type: "submit" }, `Pay ${money(order.totalPrice, order.currency)}`)));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const data = values(form);
      const card = { number: data.number, expiryMonth: Number(data.expiryMonth), expiryYear: Number(data.expiryYear), cvc: data.cvc, holder: data.holder };
      const button = form.querySelector("button");
      button.disabled = true;
      clearError(form);
      tell(null);
      try {
        const paid = await post(`/api/orders/${order.id}/payment`, { card });
        toast("Payment accepted.");
        show(paid?.status ? paid : await get(`/api/orders/${order.id}`));
      } catch (error) {
        if (error.status === 400) {
          showError(form, error);
        } else {
          // A declined card moves the order to PaymentFailed; the message stays while the page shows that.
          tell(error.message);
          get(`/api/orders/${order.id}`).then(fresh => fresh.status !== order.status && show(fresh)).catch(() => {});
        }
      } finally {
        button.disabled = false;
      }
    });
    add(box, form);
  } else {
    const button = h("button", { type: "button" }, "Show the QR code");
    const area = h("div", { class: "qr", "aria-live": "polite" });
    const draw = qr => {
      fill(area,
        h("img", { src: `data:image/png;base64,${qr.pngBase64}`, alt: `QR code to pay order ${order.number}` }),
        h("p", {}, `Scan it with your bank app. Valid until ${when(qr.expiresAt)}.`),
        h("details", {}, h("summary", {}, "Payment details"), h("code", {}, qr.qrPayload)));
      button.textContent = "New QR code";
    };
    button.addEventListener("click", async () => {
      const qr = await busy(button, box, () => post(`/api/orders/${order.id}/payment/qr`));
      if (qr) {
        shownQrCodes.set(order.id, qr);
        draw(qr);
      }
    });
    // The panel is drawn again on every step of the order; a code already shown stays on screen.
    if (shownQrCodes.has(order.id)) {
      draw(shownQrCodes.get(order.id));
    }
    add(box, h("p", {}, `Pay ${money(order.totalPrice, order.currency)} with your bank app.`), button, area);
  }
  return box;
}

function cancelPanel(order, show) {
  const form = h("form", { novalidate: true, "aria-labelledby": "cancel-heading" },
    h("h2", { id: "cancel-heading" }, "Cancel"),
    h("label", {}, "Reason (optional)", h("input", { name: "reason", id: "f-reason", maxlength: "500" })),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "danger" }, "Cancel order")));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const reason = values(form).reason || null;
    const cancelled = await busy(form.querySelector("button"), form, () => post(`/api/orders/${order.id}/cancel`, { reason }));
    if (cancelled) {
      toast(`Order ${order.number} is cancelled.`);
      show(cancelled);
    }
  });
  return form;
}

function ratingPanel(order, show) {
  if (order.rating) {
    return h("section", {}, h("h2", {}, "Your rating"),
      h("p", {}, `${"★".repeat(order.rating.stars)}${"☆".repeat(5 - order.rating.stars)} (${order.rating.stars} of 5)`),
      order.rating.comment ? h("p", {}, order.rating.comment) : null);
  }
  const form = h("form", { novalidate: true, "aria-labelledby": "rate-heading" },
    h("h2", { id: "rate-heading" }, "Rate this order"),
    h("fieldset", { class: "stars", "data-field": "stars" }, h("legend", {}, "Stars"),
      [1, 2, 3, 4, 5].map(stars => h("label", { class: "inline" },
        h("input", { type: "radio", name: "stars", value: String(stars) }), `${stars} star${stars === 1 ? "" : "s"}`))),
    h("label", {}, "Comment", h("textarea", { name: "comment", id: "f-comment", rows: "2", maxlength: "1000" })),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Send rating")));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const data = values(form);
    const rated = await busy(form.querySelector("button"), form,
      () => post(`/api/orders/${order.id}/rating`, { stars: Number(data.stars ?? 0), comment: data.comment || null }));
    if (rated) {
      toast("Thank you for your rating.");
      show(await get(`/api/orders/${order.id}`));
    }
  });
  return form;
}

function favouritePanel(order, context) {
  const form = h("form", { novalidate: true, "aria-labelledby": "again-heading" },
    h("h2", { id: "again-heading" }, "Order again"),
    h("label", {}, "Favourite name", h("input", { name: "name", id: "f-favourite", maxlength: "100", placeholder: "Friday pizza" })),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "secondary" }, "Save as favourite"),
      h("button", { type: "button", class: "secondary", "data-reorder": true }, "Reorder into cart")));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const saved = await busy(form.querySelector("button[type=submit]"), form, () => post(`/api/orders/${order.id}/favorite`, values(form)));
    if (saved) {
      toast(`Saved as favourite "${saved.name ?? values(form).name}".`);
      form.reset();
    }
  });
  const reorder = form.querySelector("[data-reorder]");
  reorder.addEventListener("click", async () => {
    if (await busy(reorder, form, () => post(`/api/orders/${order.id}/reorder`))) {
      await context.navigate("/cart");
    }
  });
  return form;
}

export async function history({ main, query: params, context }) {
  const status = params.get("status") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const page = Math.max(1, Number(params.get("page") ?? 1) || 1);
  const size = 20;
  const [orders, pending] = await Promise.all([
    get(`/api/orders${query({
      status,
      from: from ? new Date(`${from}T00:00:00`).toISOString() : "",
      to: to ? new Date(`${to}T23:59:59.999`).toISOString() : "",
      page,
      pageSize: size,
    })}`),
    get("/api/orders/pending?pageSize=100"),
  ]);
  const filters = h("form", { class: "filters" },
    choice("Status", h("select", { name: "status", id: "f-status" }, h("option", { value: "" }, "Any status"),
      allStatuses.map(s => h("option", { value: s, selected: s === status }, words(s))))),
    h("label", {}, "From", h("input", { type: "date", name: "from", id: "f-from", value: from })),
    h("label", {}, "To", h("input", { type: "date", name: "to", id: "f-to", value: to })),
    h("button", { type: "submit" }, "Filter"));
  filters.addEventListener("submit", event => {
    event.preventDefault();
    context.navigate(`/orders${query(values(filters))}`);
  });
  const row = order => h("tr", {},
    h("td", {}, h("a", { href: `/orders/${order.id}` }, order.number)),
    h("td", {}, when(order.times.placedAt)),
    h("td", {}, words(order.status)),
    h("td", {}, money(order.totalPrice, order.currency)));
  const table = (caption, items) => h("table", { class: "stack" }, h("caption", { class: "muted" }, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Order"), h("th", { scope: "col" }, "Placed"), h("th", { scope: "col" }, "Status"), h("th", { scope: "col" }, "Total"))),
    h("tbody", {}, items.map(row)));
  const pages = Math.max(1, Math.ceil(orders.total / size));
  const link = number => `/orders${query({ status, from, to, page: number })}`;
  fill(main, h("h1", {}, "Your orders"),
    pending.items.length ? [h("h2", {}, "In progress"), table("Orders in progress", pending.items)] : null,
    h("h2", {}, "History"), filters,
    orders.items.length ? table(`${orders.total} order${orders.total === 1 ? "" : "s"}`, orders.items) : h("p", {}, "No orders match."),
    pages > 1 ? h("nav", { class: "pager", "aria-label": "Pages" },
      page > 1 ? h("a", { href: link(page - 1) }, "Previous page") : null, h("span", {}, `Page ${page} of ${pages}`),
      page < pages ? h("a", { href: link(page + 1) }, "Next page") : null) : null);
}

export async function statistics({ main, query: params, context }) {
  const period = params.get("period") ?? "all";
  const select = h("select", { name: "period", id: "f-period" },
    ["day", "week", "month", "year", "all"].map(p => h("option", { value: p, selected: p === period }, words(p === "all" ? "All time" : `Last ${p}`))));
  select.addEventListener("change", () => context.navigate(`/stats?period=${select.value}`));
  fill(main, h("h1", {}, "Statistics"), h("form", { class: "filters" }, choice("Period", select)));
  let stats;
  try {
    stats = await get(`/api/stats/orders?period=${encodeURIComponent(period)}`);
  } catch (error) {
    add(main, h("p", { class: "alert", role: "alert" }, error.message));
    return;
  }
  const currency = stats.currency ?? "EUR";
  const figures = [
    ["Orders", stats.orderCount],
    ["Total spent", money(stats.totalSpent, currency)],
    ["Items", stats.itemCount],
    ["Average order", money(stats.averageOrder, currency)],
    ["Average cooking", stats.averageCookingMinutes == null ? "—" : `${Math.round(stats.averageCookingMinutes)} min`],
    ["Average delivery", stats.averageDeliveryMinutes == null ? "—" : `${Math.round(stats.averageDeliveryMinutes)} min`],
  ];
  add(main, 
    h("dl", { class: "figures" }, figures.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value ?? "—")])),
    h("h2", {}, "Top products"),
    barChart((stats.topProducts ?? []).map(p => [p.name, p.quantity]), "Top products by quantity"),
    h("h2", {}, "Delivery places"),
    barChart((stats.deliveryPlaces ?? []).map(p => [p.address ?? "Pickup", p.count]), "Orders per delivery place"));
}

/** A horizontal bar chart in SVG, with the figures also in text for screen readers. */
function barChart(rows, title) {
  if (rows.length === 0) {
    return h("p", { class: "muted" }, "Nothing yet.");
  }
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const barHeight = 22;
  const width = 340;
  const labelWidth = 140;
  const max = Math.max(...rows.map(([, value]) => value), 1);
  svg.setAttribute("viewBox", `0 0 ${width} ${rows.length * (barHeight + 6)}`);
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${title}: ${rows.map(([label, value]) => `${label} ${value}`).join(", ")}`);
  rows.forEach(([label, value], index) => {
    const y = index * (barHeight + 6);
    const text = document.createElementNS(ns, "text");
    text.setAttribute("x", "0");
    text.setAttribute("y", String(y + 15));
    text.textContent = String(label).length > 20 ? `${String(label).slice(0, 19)}…` : label;
    const bar = document.createElementNS(ns, "rect");
    const barWidth = Math.max(2, (width - labelWidth - 30) * value / max);
    bar.setAttribute("x", String(labelWidth));
    bar.setAttribute("y", String(y));
    bar.setAttribute("height", String(barHeight));
    bar.setAttribute("width", String(barWidth));
    const figure = document.createElementNS(ns, "text");
    figure.setAttribute("x", String(labelWidth + barWidth + 4));
    figure.setAttribute("y", String(y + 15));
    figure.textContent = String(value);
    svg.append(text, bar, figure);
  });
  return svg;
}

export async function favorites({ main, context }) {
  const list = await get("/api/favorites?pageSize=100");
  const box = h("div", {}, h("p", { class: "form-alert alert", role: "alert", hidden: true }));
  fill(main, h("h1", {}, "Favourites"), box,
    list.items.length === 0 ? h("p", {}, "No favourites yet: save one from an order's page.") : h("ul", { class: "grid" }, list.items.map(favourite => {
      const reorder = h("button", { type: "button" }, `Reorder ${favourite.name}`);
      const remove = h("button", { type: "button", class: "secondary" }, `Delete ${favourite.name}`);
      reorder.addEventListener("click", async () => {
        if (await busy(reorder, box, () => post(`/api/favorites/${favourite.id}/reorder`))) {
          await context.navigate("/cart");
        }
      });
      remove.addEventListener("click", async () => {
        if (await busy(remove, box, () => del(`/api/favorites/${favourite.id}`)) !== undefined) {
          await context.refresh();
        }
      });
      return h("li", { class: "card" }, h("h2", {}, favourite.name),
        h("ul", {}, (favourite.lines ?? []).map(line => h("li", {}, `${line.quantity} × ${line.name}`))),
        h("div", { class: "actions" }, reorder, remove));
    })));
}

export async function recommendations({ main }) {
  const result = await get("/api/recommendations");
  const box = h("div", {}, h("p", { class: "form-alert alert", role: "alert", hidden: true }));
  fill(main, h("h1", {}, "Recommended for you"), box,
    (result.items ?? []).length === 0 ? h("p", {}, "Nothing to recommend yet.") : h("ul", { class: "grid" }, result.items.map(item => {
      const id = item.productId ?? item.id;
      const add = h("button", { type: "button" }, `Add ${item.name} to cart`);
      add.addEventListener("click", async () => {
        const cart = await get("/api/cart");
        const already = cart.items.find(line => line.productId === id)?.quantity ?? 0;
        if (await busy(add, box, () => put(`/api/cart/items/${id}`, { quantity: already + 1, note: null }))) {
          toast(`${item.name} is in your cart.`);
        }
      });
      return h("li", { class: "card" }, h("h2", {}, h("a", { href: `/products/${id}` }, item.name)),
        item.price != null ? h("p", { class: "price" }, money(item.price, item.currency ?? "EUR")) : null,
        item.reason ? h("p", { class: "muted" }, item.reason) : null,
        add);
    })));
}
