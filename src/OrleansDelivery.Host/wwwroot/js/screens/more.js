// The notification inbox, selling items, and the staff board.

import { get, post, put, del, query } from "../api.js";
import { h, fill, choice, money, when, words, values, busy, toast } from "../dom.js";

export async function notifications({ main, context }) {
  const inbox = await get("/api/notifications?pageSize=50");
  const box = h("div", {}, h("p", { class: "form-alert alert", role: "alert", hidden: true }));
  const readAll = h("button", { type: "button", class: "secondary" }, "Mark all as read");
  readAll.addEventListener("click", async () => {
    if (await busy(readAll, box, () => post("/api/notifications/read-all")) !== undefined) {
      await context.refresh();
    }
  });
  const isRead = item => item.read ?? item.isRead ?? false;
  const list = h("ul", { class: "grid", "aria-label": "Notifications" }, inbox.items.map(item => {
    const read = h("button", { type: "button", class: "secondary" }, `Mark "${item.title}" as read`);
    read.addEventListener("click", async () => {
      if (await busy(read, box, () => post(`/api/notifications/${item.id}/read`)) !== undefined) {
        await context.refresh();
      }
    });
    return h("li", { class: "card" },
      h("h2", {}, isRead(item) ? item.title : ["● ", item.title, h("span", { class: "muted" }, " (unread)")]),
      h("p", {}, item.body),
      h("p", { class: "muted" }, when(item.at)),
      item.orderId ? h("p", {}, h("a", { href: `/orders/${item.orderId}` }, "Open the order")) : null,
      isRead(item) ? null : read);
  }));
  fill(main, h("h1", {}, "Notifications"),
    h("p", { class: "muted" }, `${inbox.unread ?? inbox.items.filter(i => !isRead(i)).length} unread of ${inbox.total}`),
    box, h("div", { class: "actions" }, readAll),
    inbox.items.length ? list : h("p", {}, "Nothing yet."));
  // New notifications arrive live; the list is read again so they appear in place.
  const onNotification = () => context.refresh();
  document.addEventListener("od:notification", onNotification);
  return () => document.removeEventListener("od:notification", onNotification);
}

function listingForm(categories, listing, submitText, labelledBy) {
  return h("form", { novalidate: true, "aria-labelledby": labelledBy },
    h("label", {}, "Name", h("input", { name: "name", id: `f-sale-name-${listing?.id ?? "new"}`, value: listing?.name ?? "", maxlength: "100" })),
    h("label", {}, "Description", h("textarea", { name: "description", id: `f-sale-description-${listing?.id ?? "new"}`, rows: "2", maxlength: "2000" }, listing?.description ?? "")),
    h("label", {}, "Price", h("input", { name: "price", id: `f-sale-price-${listing?.id ?? "new"}`, type: "number", step: "0.01", min: "0.01", value: listing?.price ?? "" })),
    h("label", {}, "Quantity", h("input", { name: "quantity", id: `f-sale-quantity-${listing?.id ?? "new"}`, type: "number", min: "1", value: listing?.quantity ?? "1" })),
    listing ? null : choice("Category", h("select", { name: "categoryId", id: "f-sale-category" },
      categories.map(c => h("option", { value: c.id }, c.name)))),
    h("div", { class: "actions" }, h("button", { type: "submit" }, submitText)));
}

const listingBody = data => ({
  name: data.name,
  description: data.description,
  price: data.price === "" ? null : Number(data.price),
  quantity: data.quantity === "" ? null : Number(data.quantity),
  categoryId: data.categoryId,
});

export async function sales({ main, context }) {
  const [listings, categories] = await Promise.all([get("/api/sales?pageSize=100"), get("/api/categories?pageSize=100")]);
  const create = listingForm(categories.items, null, "List the item", "new-listing-heading");
  create.addEventListener("submit", async event => {
    event.preventDefault();
    if (await busy(create.querySelector("button"), create, () => post("/api/sales", listingBody(values(create))))) {
      toast("Your item is listed.");
      await context.refresh();
    }
  });
  const items = listings.items.map(listing => {
    const edit = listingForm(categories.items, listing, `Save ${listing.name}`, `listing-${listing.id}`);
    edit.addEventListener("submit", async event => {
      event.preventDefault();
      if (await busy(edit.querySelector("button"), edit, () => put(`/api/sales/${listing.id}`, listingBody(values(edit))))) {
        toast("Listing saved.");
        await context.refresh();
      }
    });
    const withdraw = h("button", { type: "button", class: "danger" }, `Withdraw ${listing.name}`);
    withdraw.addEventListener("click", async () => {
      if (await busy(withdraw, edit, () => del(`/api/sales/${listing.id}`)) !== undefined) {
        toast("Listing withdrawn.");
        await context.refresh();
      }
    });
    const active = listing.status === undefined || listing.status === "Active";
    return h("li", { class: "card" },
      h("h2", { id: `listing-${listing.id}` }, listing.name),
      h("p", {}, `${money(listing.price, listing.currency ?? "EUR")} · ${listing.available ?? listing.quantity} of ${listing.quantity} available · ${words(listing.status ?? "Active")}`),
      active ? h("details", {}, h("summary", {}, "Edit"), edit, withdraw) : null);
  });
  fill(main, h("h1", {}, "Sell an item"),
    h("h2", { id: "new-listing-heading" }, "New listing"), create,
    h("h2", {}, "Your listings"),
    items.length ? h("ul", { class: "grid" }, items) : h("p", {}, "You have no listings yet."));
}

// The staff move an order forward one step at a time.
const nextStep = {
  Confirmed: "Cooking",
  Cooking: "ReadyForDelivery",
  ReadyForDelivery: "OutForDelivery",
  OutForDelivery: "Delivered",
};

export async function staffBoard({ main, query: params, context }) {
  const status = params.get("status") ?? "";
  const board = await get(`/api/staff/orders${query({ status, pageSize: 100 })}`);
  const box = h("div", {}, h("p", { class: "form-alert alert", role: "alert", hidden: true }));
  const counts = board.countByStatus ?? {};
  const tabs = h("nav", { "aria-label": "Order statuses", class: "actions" },
    h("a", { href: "/staff", "aria-current": status === "" ? "page" : null }, "All"),
    Object.keys(nextStep).concat(["AwaitingPayment", "Placed", "Delivered", "Cancelled"]).map(s =>
      h("a", { href: `/staff?status=${s}`, "aria-current": status === s ? "page" : null }, `${words(s)} (${counts[s] ?? 0})`)));
  // A move answers with the order itself, so its row changes at once; the board projection catches up by itself.
  const row = entry => {
    const next = nextStep[entry.status];
    const move = next ? h("button", { type: "button" }, `Move ${entry.number} to ${words(next).toLowerCase()}`) : null;
    const tr = h("tr", { "data-order": entry.number },
      h("td", {}, entry.number),
      h("td", {}, words(entry.status)),
      h("td", {}, `${entry.itemCount} item${entry.itemCount === 1 ? "" : "s"} · ${money(entry.totalPrice, entry.currency)}`),
      h("td", {}, `${words(entry.deliveryMethod)}${entry.deliveryAddress ? `, ${entry.deliveryAddress}` : ""}`),
      h("td", {}, when(entry.placedAt)),
      h("td", {}, move));
    move?.addEventListener("click", async () => {
      const moved = await busy(move, box, () => post(`/api/staff/orders/${entry.orderId}/status`, { status: next }));
      if (moved) {
        toast(`Order ${entry.number} is ${words(moved.status).toLowerCase()}.`);
        const replacement = row({ ...entry, status: moved.status });
        tr.replaceWith(replacement);
        replacement.querySelector("button")?.focus();
      }
    });
    return tr;
  };
  const rows = board.items.map(row);
  const refresh = h("button", { type: "button", class: "secondary" }, "Refresh");
  refresh.addEventListener("click", () => context.refresh());
  const links = h("p", {}, h("a", { href: "/staff/operations" }, "Business view"),
    context.me?.role === "Admin" ? [" · ", h("a", { href: "/dashboard/" }, "Orleans Dashboard")] : null);
  fill(main, h("h1", {}, "Staff board"), links, tabs, box, h("div", { class: "actions" }, refresh),
    rows.length ? h("table", { class: "stack" },
      h("caption", { class: "muted" }, `${board.total} order${board.total === 1 ? "" : "s"}`),
      h("thead", {}, h("tr", {}, ["Order", "Status", "Contents", "Delivery", "Placed", "Action"].map(t => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows)) : h("p", {}, "No orders here."));
}
