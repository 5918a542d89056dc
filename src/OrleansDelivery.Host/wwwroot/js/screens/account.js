// Sign-up with its emailed code, sign-in, and the profile with settings and password.

import { get, post, put, del } from "../api.js";
import { h, fill, choice, values, busy, toast } from "../dom.js";

function field(label, name, type = "text", extra = {}) {
  return h("label", {}, label, h("input", { name, type, id: `f-${name}`, ...extra }));
}

export async function signUp({ main, context }) {
  const form = h("form", { novalidate: true },
    field("Login", "login", "text", { autocomplete: "username", required: true }),
    field("Email", "email", "email", { autocomplete: "email", required: true }),
    field("Phone", "phone", "tel", { autocomplete: "tel", required: true }),
    field("First name", "firstName", "text", { autocomplete: "given-name", required: true }),
    field("Last name", "lastName", "text", { autocomplete: "family-name", required: true }),
    field("Password", "password", "password", { autocomplete: "new-password", required: true }),
    field("Confirm password", "passwordConfirmation", "password", { autocomplete: "new-password", required: true }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Sign up")));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const data = values(form);
    const started = await busy(event.submitter ?? form.querySelector("button"), form, () => post("/api/auth/signup", data));
    if (started) {
      await context.navigate(`/confirm/${started.signUpId}?email=${encodeURIComponent(data.email)}`);
    }
  });
  fill(main, h("h1", {}, "Sign up"),
    h("p", {}, "We email you a 6-digit code to confirm your address."), form,
    h("p", {}, "Have an account? ", h("a", { href: "/signin" }, "Sign in")));
}

export async function confirm({ main, params, query, context }) {
  const email = query.get("email") ?? "";
  const form = h("form", { novalidate: true },
    field("Code", "code", "text", { inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6", required: true }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Confirm")));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const done = await busy(form.querySelector("button"), form, () => post(`/api/auth/signup/${params.signUpId}/confirm`, values(form)));
    if (done) {
      toast("Your account is ready. Please sign in.");
      await context.navigate("/signin?confirmed=1");
    }
  });
  const mailbox = `/api/dev/mailbox?to=${encodeURIComponent(email)}`;
  fill(main, h("h1", {}, "Confirm your email"),
    h("p", {}, `Enter the code we sent${email ? ` to ${email}` : ""}. It is valid for 15 minutes.`),
    // The development mailbox exists only where the server maps it; elsewhere the link is simply not shown.
    await devMailboxExists() ? h("p", { class: "note" }, "Development: read the email in the ",
      h("a", { href: mailbox, target: "_blank", rel: "noopener" }, "development mailbox"), ".") : null,
    form);
}

async function devMailboxExists() {
  try {
    await get("/api/dev/mailbox?to=probe%40example.com");
    return true;
  } catch {
    return false;
  }
}

export async function signIn({ main, query, context }) {
  const form = h("form", { novalidate: true },
    field("Login or email", "login", "text", { autocomplete: "username", required: true }),
    field("Password", "password", "password", { autocomplete: "current-password", required: true }),
    h("label", { class: "inline" }, h("input", { type: "checkbox", name: "keepSignedIn", id: "f-keep" }), "Keep me signed in"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Sign in")));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const data = values(form);
    const session = await busy(form.querySelector("button"), form,
      () => post("/api/auth/signin", { login: data.login, password: data.password, keepSignedIn: data.keepSignedIn === "on" }));
    if (session) {
      // The cookie holds the same value; kept here too for browsers that hide cookies from scripts.
      sessionStorage.setItem("od_csrf", session.csrfToken);
      await context.signedIn();
      const returnTo = query.get("returnTo");
      await context.navigate(returnTo?.startsWith("/") && !returnTo.startsWith("//") ? returnTo : "/");
    }
  });
  fill(main, h("h1", {}, "Sign in"),
    query.get("confirmed") ? h("p", { class: "note" }, "Your account is confirmed. Sign in to start ordering.") : null,
    form,
    h("p", {}, "New here? ", h("a", { href: "/signup" }, "Create an account")));
}

export async function profile({ main, context }) {
  const [me, settings] = await Promise.all([get("/api/me"), get("/api/me/settings")]);

  const profileForm = h("form", { novalidate: true, "aria-labelledby": "profile-heading" },
    field("First name", "firstName", "text", { value: me.firstName }),
    field("Last name", "lastName", "text", { value: me.lastName }),
    field("Email", "email", "email", { value: me.email }),
    field("Phone", "phone", "tel", { value: me.phone }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Save profile")));
  profileForm.addEventListener("submit", async event => {
    event.preventDefault();
    if (await busy(profileForm.querySelector("button"), profileForm, () => put("/api/me", values(profileForm)))) {
      toast("Profile saved.");
    }
  });

  const option = (value, text, selected) => h("option", { value, selected: selected === value }, text);
  const settingsForm = h("form", { novalidate: true, "aria-labelledby": "settings-heading" },
    choice("Notify me by", h("select", { name: "preferredChannel", id: "f-channel" },
      option("Push", "Push (in the app)", settings.preferredChannel), option("Email", "Email", settings.preferredChannel))),
    h("label", { class: "inline" }, h("input", { type: "checkbox", name: "notificationsEnabled", checked: settings.notificationsEnabled }), "Notifications on"),
    choice("Preferred payment", h("select", { name: "preferredPaymentType", id: "f-pay" },
      option("", "No preference", settings.preferredPaymentType ?? ""),
      ...paymentTypes.map(([value, text]) => option(value, text, settings.preferredPaymentType)))),
    field("Default delivery address", "defaultDeliveryAddress", "text", { value: settings.defaultDeliveryAddress ?? "", autocomplete: "street-address" }),
    field("Dietary restrictions (comma separated)", "dietaryRestrictions", "text", { value: settings.dietaryRestrictions.join(", ") }),
    field("Messenger handles (messenger:handle, comma separated)", "messengerHandles", "text",
      { value: settings.messengerHandles.map(m => `${m.messenger}:${m.handle}`).join(", ") }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Save settings")));
  settingsForm.addEventListener("submit", async event => {
    event.preventDefault();
    const data = values(settingsForm);
    const list = text => (text ?? "").split(",").map(s => s.trim()).filter(Boolean);
    const body = {
      preferredChannel: data.preferredChannel,
      notificationsEnabled: data.notificationsEnabled === "on",
      preferredPaymentType: data.preferredPaymentType || null,
      defaultDeliveryAddress: data.defaultDeliveryAddress,
      dietaryRestrictions: list(data.dietaryRestrictions),
      messengerHandles: list(data.messengerHandles).map(pair => {
        const [messenger, ...handle] = pair.split(":");
        return { messenger: messenger.trim(), handle: handle.join(":").trim() };
      }),
    };
    if (await busy(settingsForm.querySelector("button"), settingsForm, () => put("/api/me/settings", body))) {
      toast("Settings saved.");
    }
  });

  const passwordForm = h("form", { novalidate: true, "aria-labelledby": "password-heading" },
    field("Current password", "currentPassword", "password", { autocomplete: "current-password" }),
    field("New password", "newPassword", "password", { autocomplete: "new-password" }),
    field("Confirm new password", "newPasswordConfirmation", "password", { autocomplete: "new-password" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Change password")));
  passwordForm.addEventListener("submit", async event => {
    event.preventDefault();
    if (await busy(passwordForm.querySelector("button"), passwordForm, () => put("/api/me/password", values(passwordForm))) !== undefined) {
      passwordForm.reset();
      toast("Password changed; your other sessions are signed out.");
    }
  });

  const signOut = h("button", { type: "button", class: "secondary" }, "Sign out");
  const remove = h("button", { type: "button", class: "danger" }, "Delete account");
  const accountBox = h("div", {}, h("div", { class: "actions" }, signOut, remove));
  signOut.addEventListener("click", async () => {
    if (await busy(signOut, accountBox, () => post("/api/auth/signout")) !== undefined) {
      await context.signedOut();
      await context.navigate("/");
    }
  });
  remove.addEventListener("click", async () => {
    if (!confirm("Delete your account for good?")) {
      return;
    }
    if (await busy(remove, accountBox, () => del("/api/me")) !== undefined) {
      await context.signedOut();
      await context.navigate("/");
    }
  });

  fill(main, h("h1", {}, "Profile"),
    h("p", {}, `Signed in as ${me.login} (${me.role}).`),
    h("h2", { id: "profile-heading" }, "Your details"), profileForm,
    h("h2", { id: "settings-heading" }, "Settings"), settingsForm,
    h("h2", { id: "password-heading" }, "Password"), passwordForm,
    h("h2", {}, "Account"), accountBox);
}

export const paymentTypes = [
  ["CashOnDelivery", "Cash on delivery"],
  ["PosOnDelivery", "Card terminal on delivery (POS)"],
  ["Card", "Card now"],
  ["QrCode", "QR code (bank app)"],
];
