// The catalogue, a product, the cart and checkout.

import { get, put, del, post, query } from "../api.js";
import { h, fill, choice, money, values, busy, toast } from "../dom.js";
import { paymentTypes } from "./account.js";

const pageSize = 12;

export async function catalogue({ main, query: params, context }) {
  const categoryId = params.get("categoryId") ?? "";
  const q = params.get("q") ?? "";
  const page = Math.max(1, Number(params.get("page") ?? 1) || 1);
  const [categories, products] = await Promise.all([
    get("/api/categories?pageSize=100"),
    get(`/api/products${query({ categoryId, q, page, pageSize })}`),
  ]);

  const search = h("form", { class: "filters", role: "search" },
    h("label", {}, "Search", h("input", { type: "search", name: "q", id: "f-q", value: q, placeholder: "pizza, vegan, …" })),
    choice("Category", h("select", { name: "categoryId", id: "f-category" },
      h("option", { value: "" }, "All categories"),
      categories.items.map(c => h("option", { value: c.id, selected: c.id === categoryId }, c.name)))),
    h("button", { type: "submit" }, "Search"));
  search.addEventListener("submit", event => {
    event.preventDefault();
    const data = values(search);
    context.navigate(`/${query({ q: data.q, categoryId: data.categoryId })}`);
  });
  search.querySelector("select").addEventListener("change", () => search.requestSubmit());

  const pages = Math.max(1, Math.ceil(products.total / pageSize));
  const link = number => `/${query({ q, categoryId, page: number })}`;
  fill(main, 
    h("h1", {}, "Catalogue"),
    search,
    h("p", { class: "muted", role: "status" }, `${products.total} product${products.total === 1 ? "" : "s"}`),
    h("ul", { class: "grid", "aria-label": "Products" }, products.items.map(productCard)),
    pages > 1 ? h("nav", { class: "pager", "aria-label": "Pages" },
      page > 1 ? h("a", { href: link(page - 1), rel: "prev" }, "Previous page") : null,
      h("span", {}, `Page ${page} of ${pages}`),
      page < pages ? h("a", { href: link(page + 1), rel: "next" }, "Next page") : null) : null);
}

function productCard(product) {
  return h("li", { class: "card" },
    h("h2", {}, h("a", { href: `/products/${product.id}` }, product.name)),
    h("p", { class: "muted" }, product.description),
    h("p", {}, h("span", { class: "price" }, money(product.price, product.currency)),
      " · ", product.stock > 0 ? `${product.stock} in stock` : h("span", { class: "warning" }, "Out of stock"),
      product.rating?.count ? ` · ★ ${Number(product.rating.average).toFixed(1)} (${product.rating.count})` : ""),
    product.dietaryTags?.length ? h("p", { class: "muted" }, product.dietaryTags.join(", ")) : null);
}

export async function product({ main, params, context }) {
  const item = await get(`/api/products/${params.id}`);
  const form = h("form", { novalidate: true },
    h("label", {}, "Quantity", h("input", { type: "number", name: "quantity", id: "f-quantity", min: "1", max: "99", value: "1" })),
    h("label", {}, "Special request", h("input", { type: "text", name: "note", id: "f-note", maxlength: "200", placeholder: "no onions, extra spicy…" })),
    h("div", { class: "actions" }, h("button", { type: "submit", disabled: item.stock <= 0 }, "Add to cart")));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    if (!context.me) {
      await context.navigate(`/signin?returnTo=${encodeURIComponent(location.pathname)}`);
      return;
    }
    const data = values(form);
    // Adding to what is already in the cart, as a shopper expects from pressing the button twice.
    const cart = await get("/api/cart");
    const already = cart.items.find(line => line.productId === item.id)?.quantity ?? 0;
    const note = data.note || cart.items.find(line => line.productId === item.id)?.note || null;
    const result = await busy(form.querySelector("button"), form,
      () => put(`/api/cart/items/${item.id}`, { quantity: already + Number(data.quantity || 1), note }));
    if (result) {
      toast(`${item.name} is in your cart.`);
      form.after(h("p", { class: "note", role: "status" }, `Added to your cart. `, h("a", { href: "/cart" }, "Go to the cart")));
    }
  });
  fill(main, 
    h("p", {}, h("a", { href: `/?categoryId=${encodeURIComponent(item.categoryId)}` }, "← Back to the catalogue")),
    h("h1", {}, item.name),
    h("p", {}, item.description),
    h("p", {}, h("span", { class: "price" }, money(item.price, item.currency)), " · ",
      item.stock > 0 ? `${item.stock} in stock` : h("span", { class: "warning" }, "Out of stock")),
    item.dietaryTags?.length ? h("p", {}, "Dietary: ", item.dietaryTags.join(", ")) : null,
    h("p", {}, item.rating?.count ? `Rated ${Number(item.rating.average).toFixed(1)} of 5 by ${item.rating.count}` : "Not rated yet"),
    form);
}

export async function cart({ main, context }) {
  const view = await get("/api/cart");
  renderCart(main, view, context);
}

function renderCart(main, view, context) {
  const status = h("p", { class: "form-alert alert", role: "alert", hidden: true });
  const container = h("div", {}, status);
  const rows = view.items.map(line => {
    const quantity = h("input", { type: "number", min: "0", max: "99", value: String(line.quantity), id: `q-${line.productId}`, name: "quantity" });
    const note = h("input", { type: "text", value: line.note ?? "", id: `n-${line.productId}`, name: "note", maxlength: "200" });
    const save = h("button", { type: "button", class: "secondary" }, "Update");
    const remove = h("button", { type: "button", class: "secondary" }, "Remove");
    save.addEventListener("click", async () => {
      const updated = await busy(save, container, () => put(`/api/cart/items/${line.productId}`, { quantity: Number(quantity.value), note: note.value || null }));
      if (updated) {
        renderCart(main, updated, context);
      }
    });
    remove.addEventListener("click", async () => {
      const updated = await busy(remove, container, () => del(`/api/cart/items/${line.productId}`));
      if (updated) {
        renderCart(main, updated, context);
      }
    });
    return h("li", { class: "card" },
      h("h2", {}, line.name),
      h("p", {}, `${money(line.unitPrice, view.currency)} each · `, h("span", { class: "price" }, money(line.lineTotal, view.currency))),
      line.warnings.map(w => h("p", { class: "warning" }, `⚠ ${w.message}`)),
      h("div", { class: "actions" },
        h("label", {}, `Quantity of ${line.name}`, quantity),
        h("label", {}, `Special request for ${line.name}`, note)),
      h("div", { class: "actions" }, save, remove));
  });
  const clear = h("button", { type: "button", class: "secondary" }, "Empty the cart");
  clear.addEventListener("click", async () => {
    if (await busy(clear, container, () => del("/api/cart")) !== undefined) {
      renderCart(main, await get("/api/cart"), context);
    }
  });
  fill(main, h("h1", {}, "Your cart"), container,
    view.items.length === 0
      ? h("p", {}, "Your cart is empty. ", h("a", { href: "/" }, "Browse the catalogue"))
      : [
        view.hasWarnings ? h("p", { class: "warning", role: "status" }, "Some items changed since you added them; check the notes below.") : null,
        h("ul", { class: "grid", "aria-label": "Cart items" }, rows),
        h("p", { class: "status" }, "Products: ", h("span", { class: "price" }, money(view.productsPrice, view.currency))),
        h("div", { class: "actions" }, h("a", { class: "button", href: "/checkout" }, "Checkout"), clear),
      ]);
}

export const deliveryMethods = [
  ["Pickup", "Pickup", 0],
  ["OnFoot", "On foot", 2.5],
  ["ElectricScooter", "Electric scooter", 3.5],
  ["Car", "Car", 4.9],
];

export async function checkout({ main, context }) {
  const [view, settings, me] = await Promise.all([get("/api/cart"), get("/api/me/settings"), get("/api/me")]);
  if (view.items.length === 0) {
    fill(main, h("h1", {}, "Checkout"), h("p", {}, "Your cart is empty. ", h("a", { href: "/" }, "Browse the catalogue")));
    return;
  }
  // One key per checkout page: pressing the button again after a lost answer returns the same order.
  const idempotencyKey = crypto.randomUUID();
  const total = h("p", { class: "status", "aria-live": "polite" });
  const methods = h("fieldset", { "data-field": "deliveryMethod" }, h("legend", {}, "Delivery"),
    deliveryMethods.map(([value, text, price], index) => h("label", { class: "inline" },
      h("input", { type: "radio", name: "deliveryMethod", value, checked: index === 1 }),
      `${text} — ${price === 0 ? "free" : money(price, view.currency)}`)));
  const address = h("label", {}, "Delivery address",
    h("input", { type: "text", name: "deliveryAddress", id: "f-address", autocomplete: "street-address", value: settings.defaultDeliveryAddress ?? "" }));
  const preferred = settings.preferredPaymentType ?? "CashOnDelivery";
  const payments = h("fieldset", { "data-field": "paymentType" }, h("legend", {}, "Payment"),
    paymentTypes.map(([value, text]) => h("label", { class: "inline" },
      h("input", { type: "radio", name: "paymentType", value, checked: value === preferred }), text)));
  const form = h("form", { novalidate: true },
    methods, address,
    h("label", {}, "Contact name", h("input", { type: "text", name: "contactName", id: "f-contact", autocomplete: "name", value: `${me.firstName} ${me.lastName}` })),
    h("label", {}, "Contact phone", h("input", { type: "tel", name: "contactPhone", id: "f-phone", autocomplete: "tel", value: me.phone })),
    payments,
    h("label", {}, "Special requests", h("textarea", { name: "specialRequests", id: "f-requests", rows: "2", maxlength: "500" })),
    h("label", {}, "Desired time (optional)", h("input", { type: "datetime-local", name: "desiredTime", id: "f-desired" })),
    total,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Place order")));

  const update = () => {
    const method = form.elements.deliveryMethod.value;
    const price = deliveryMethods.find(([value]) => value === method)?.[2] ?? 0;
    address.hidden = method === "Pickup";
    total.textContent = `Total: ${money(view.productsPrice + price, view.currency)} (products ${money(view.productsPrice, view.currency)} + delivery ${money(price, view.currency)})`;
  };
  form.addEventListener("change", update);
  update();

  form.addEventListener("submit", async event => {
    event.preventDefault();
    const data = values(form);
    const body = {
      deliveryMethod: data.deliveryMethod,
      deliveryAddress: data.deliveryMethod === "Pickup" ? null : data.deliveryAddress,
      contactName: data.contactName,
      contactPhone: data.contactPhone,
      paymentType: data.paymentType,
      specialRequests: data.specialRequests || null,
      desiredTime: data.desiredTime ? new Date(data.desiredTime).toISOString() : null,
    };
    const order = await busy(form.querySelector("button[type=submit]"), form, () => post("/api/orders", body, { "Idempotency-Key": idempotencyKey }));
    if (order) {
      toast(`Order ${order.number} placed.`);
      await context.navigate(`/orders/${order.id}`);
    }
  });
  fill(main, h("h1", {}, "Checkout"),
    h("ul", {}, view.items.map(line => h("li", {}, `${line.quantity} × ${line.name} — ${money(line.lineTotal, view.currency)}`, line.note ? ` (${line.note})` : ""))),
    view.hasWarnings ? h("p", { class: "warning" }, "Some items changed since you added them; check your cart.") : null,
    form);
}
