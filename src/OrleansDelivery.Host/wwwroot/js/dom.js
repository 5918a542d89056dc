// A tiny element builder and the formatting every screen shares.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      element.className = value;
    } else if (key in element && typeof value !== "string") {
      element[key] = value;
    } else {
      element.setAttribute(key, value === true ? "" : value);
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function money(amount, currency = "EUR") {
  if (amount === undefined || amount === null) {
    return "";
  }
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(amount);
  } catch {
    return `${Number(amount).toFixed(2)} ${currency}`;
  }
}

export function when(at) {
  return at ? new Date(at).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" }) : "—";
}

export function time(at) {
  return at ? new Date(at).toLocaleTimeString(undefined, { timeStyle: "medium" }) : "—";
}

/** "ReadyForDelivery" → "Ready for delivery". */
export function words(name) {
  if (!name) {
    return "";
  }
  const spaced = String(name).replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A form's fields as an object; numbers stay strings until the caller converts them. */
export function values(form) {
  return Object.fromEntries(new FormData(form).entries());
}

/** Shows a failed call: field messages next to their inputs, the rest in the form's alert. */
export function showError(container, error) {
  container.querySelectorAll(".field-error").forEach(e => e.remove());
  container.querySelectorAll("[aria-invalid]").forEach(e => e.removeAttribute("aria-invalid"));
  const alert = container.querySelector(".form-alert") ?? container.appendChild(h("p", { class: "alert form-alert", role: "alert" }));
  const unplaced = [];
  for (const [field, messages] of Object.entries(error.errors ?? {})) {
    const input = container.querySelector(`[name="${CSS.escape(field)}"], [data-field="${CSS.escape(field)}"]`);
    if (input) {
      const id = `${input.id || input.name}-error`;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", id);
      input.insertAdjacentElement("afterend", h("span", { class: "field-error", id }, messages.join(" ")));
    } else {
      unplaced.push(...messages);
    }
  }
  alert.hidden = false;
  alert.textContent = [error.message, ...unplaced].join(" ");
}

export function clearError(container) {
  container.querySelectorAll(".field-error").forEach(e => e.remove());
  const alert = container.querySelector(".form-alert");
  if (alert) {
    alert.hidden = true;
    alert.textContent = "";
  }
}

export function toast(text) {
  const box = document.getElementById("toasts");
  const item = h("div", { class: "toast" }, text);
  box.append(item);
  setTimeout(() => item.remove(), 5000);
}

/** Runs an action behind a button: disabled while it runs, errors shown in the container. */
export async function busy(button, container, action) {
  button.disabled = true;
  clearError(container);
  try {
    return await action();
  } catch (error) {
    showError(container, error);
    return undefined;
  } finally {
    button.disabled = false;
  }
}

/** Replaces a container's content; lists are flattened and missing parts (null, false) left out. */
export function fill(container, ...children) {
  container.replaceChildren();
  append(container, children);
  return container;
}

/** Appends to a container like <fill>. */
export function add(container, ...children) {
  append(container, children);
  return container;
}

/**
 * A labelled drop-down. The label stands beside the select rather than around it, so the options' text does not
 * become part of the label's name.
 */
export function choice(text, select) {
  return h("div", { class: "field" }, h("label", { for: select.id }, text), select);
}
