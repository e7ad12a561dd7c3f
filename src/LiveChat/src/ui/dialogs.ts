// Modal dialogs: the room rules (accept to post), logging in, and a guest's display name.

import { el, button } from "../dom";
import type { Rules } from "../liveState";

export function overlay(testId: string, title: string, ...content: HTMLElement[]): { root: HTMLElement; close: () => void } {
  const root = el(
    "div",
    { class: "overlay", "data-testid": testId },
    el("div", { class: "dialog", role: "dialog", "aria-modal": "true", "aria-label": title }, el("h2", {}, title), ...content),
  );
  document.body.append(root);
  return { root, close: () => root.remove() };
}

/** The rules with Accept (posts the acceptance; the dialog closes once the server took it) and Not now. */
export function showRulesDialog(rules: Rules, accept: () => Promise<void>): void {
  document.querySelector('[data-testid="rules-dialog"]')?.remove();
  const error = el("p", { class: "error", role: "alert", "data-testid": "rules-error" });
  const text = el("div", { class: "rules-text", "data-testid": "rules-text" }, rules.text);
  let dialog: { close: () => void } | null = null;
  const acceptButton = button("Accept", "rules-accept", async () => {
    acceptButton.disabled = true;
    try {
      await accept();
      dialog?.close();
    } catch (failure) {
      acceptButton.disabled = false;
      error.textContent = failure instanceof Error ? failure.message : String(failure);
    }
  }, "primary");
  dialog = overlay(
    "rules-dialog",
    "Room rules",
    text,
    error,
    el("div", { class: "dialog-buttons" }, button("Not now", "rules-later", () => dialog?.close(), "link"), acceptButton),
  );
  acceptButton.focus();
}

export function showLoginDialog(logIn: (user: string, password: string) => Promise<void>): void {
  const user = el("input", { name: "username", autocomplete: "username", required: "", "data-testid": "login-user" });
  const password = el("input", {
    name: "password", type: "password", autocomplete: "current-password", required: "", "data-testid": "login-password",
  });
  const error = el("p", { class: "error", role: "alert", "data-testid": "login-error" });
  const submit = el("button", { type: "submit", class: "primary", "data-testid": "login-submit" }, "Log in");
  const form = el(
    "form",
    { class: "login-form" },
    el("label", {}, "User name or Matrix ID", user),
    el("label", {}, "Password", password),
    error,
    el("div", { class: "dialog-buttons" }, button("Cancel", "login-cancel", () => dialog.close(), "link"), submit),
  );
  const dialog = overlay("login-dialog", "Log in", form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await logIn(user.value.trim(), password.value);
      dialog.close();
    } catch (failure) {
      submit.disabled = false;
      error.textContent = failure instanceof Error ? failure.message : String(failure);
    }
  });
  user.focus();
}

/** The guest's name picker shown in place of the composer until the guest has chosen a display name. */
export function guestNameForm(choose: (name: string) => Promise<void>): HTMLElement {
  const name = el("input", {
    name: "display_name", maxlength: "64", placeholder: "Your name", required: "", "data-testid": "guest-name",
    "aria-label": "Your name",
  });
  const error = el("span", { class: "error", role: "alert", "data-testid": "guest-name-error" });
  const submit = el("button", { type: "submit", class: "primary", "data-testid": "guest-name-submit" }, "Join the chat");
  const form = el("form", { class: "guest-name", "data-testid": "guest-name-form" }, name, submit, error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = name.value.trim();
    if (!chosen) return;
    submit.disabled = true;
    try {
      await choose(chosen);
    } catch (failure) {
      submit.disabled = false;
      error.textContent = failure instanceof Error ? failure.message : String(failure);
    }
  });
  return form;
}
