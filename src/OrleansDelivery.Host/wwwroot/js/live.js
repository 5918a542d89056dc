// The live connection to /hubs/orders: one per signed-in page, reconnecting by itself. Each watched order
// remembers the last sequence it saw, so after a reconnect it subscribes again from there and misses nothing.

import { csrfToken } from "./api.js";

let connection = null;
let starting = null;
const watched = new Map(); // orderId → { lastSequence, onUpdate }
const notificationListeners = new Set();
const stateListeners = new Set();

function build() {
  const signalR = window.signalR;
  const hub = new signalR.HubConnectionBuilder()
    // Negotiation is a POST sent with the session cookie, so it carries the antiforgery header like any unsafe call.
    .withUrl("/hubs/orders", { headers: { "X-CSRF-Token": csrfToken() ?? "" } })
    .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 10000, 30000])
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  hub.on("OrderUpdated", deliver);
  hub.on("Notification", notification => notificationListeners.forEach(listener => listener(notification)));
  hub.onreconnecting(() => announce("reconnecting"));
  hub.onreconnected(async () => {
    announce("connected");
    for (const orderId of watched.keys()) {
      await subscribe(orderId);
    }
  });
  hub.onclose(error => {
    announce("disconnected");
    connection = null;
    // The automatic reconnect gave up (a long outage); keep trying slowly while someone is watching an order.
    if (error && watched.size > 0) {
      setTimeout(restart, 15000);
    }
  });
  return hub;
}

async function restart() {
  if (connection?.state === "Connected" || watched.size === 0) {
    return;
  }
  try {
    await connect();
    for (const orderId of watched.keys()) {
      await subscribe(orderId);
    }
  } catch {
    setTimeout(restart, 30000);
  }
}

function announce(state) {
  stateListeners.forEach(listener => listener(state));
}

function deliver(update) {
  const entry = watched.get(update.orderId);
  // Gap-free sequences: anything at or below what was seen is a repeat.
  if (!entry || update.sequence <= entry.lastSequence) {
    return;
  }
  entry.lastSequence = update.sequence;
  entry.onUpdate(update);
}

async function subscribe(orderId) {
  const entry = watched.get(orderId);
  if (!entry) {
    return;
  }
  const missed = await connection.invoke("SubscribeOrder", orderId, entry.lastSequence);
  missed.forEach(deliver);
}

export async function connect() {
  if (connection && connection.state === "Connected") {
    return connection;
  }
  if (!starting) {
    connection = connection ?? build();
    starting = connection.start()
      .then(() => announce("connected"))
      .finally(() => { starting = null; });
  }
  await starting;
  return connection;
}

/** Follows an order from <lastSequence> on; returns a function that stops following it. */
export async function watchOrder(orderId, lastSequence, onUpdate) {
  watched.set(orderId, { lastSequence, onUpdate });
  await connect();
  await subscribe(orderId);
  return () => watched.delete(orderId);
}

export function onNotification(listener) {
  notificationListeners.add(listener);
  return () => notificationListeners.delete(listener);
}

export function onConnectionState(listener) {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

export async function disconnect() {
  watched.clear();
  const current = connection;
  connection = null;
  if (current) {
    await current.stop();
  }
}
