// The admin page's shell: signing in and out, the check that the account is a server admin, and the views behind
// the hash routes (#/users, #/users/<id>, #/rooms, #/rooms/<id>, #/reports, #/reports/<id>).

import { admin, ApiError, session, signIn, signOut } from "./api.js";
import { el } from "./dom.js";
import { configureShell, go, notify, takeNotice } from "./shell.js";
import { showReport, showReports } from "./reports.js";
import { showRoom } from "./room-detail.js";
import { showRooms } from "./rooms.js";
import { showUser } from "./user-detail.js";
import { showUsers } from "./users.js";

const byId = (id) => document.getElementById(id);

const routes = [
  [/^#\/users\/([^?]+)$/, (match, view) => showUser(view, decodeURIComponent(match[1]))],
  [/^#\/users(?:\?(.*))?$/, (match, view) => showUsers(view, new URLSearchParams(match[1] ?? ""))],
  [/^#\/rooms\/([^?]+)$/, (match, view) => showRoom(view, decodeURIComponent(match[1]))],
  [/^#\/rooms(?:\?(.*))?$/, (match, view) => showRooms(view, new URLSearchParams(match[1] ?? ""))],
  [/^#\/reports\/([^?]+)$/, (match, view) => showReport(view, decodeURIComponent(match[1]))],
  [/^#\/reports(?:\?(.*))?$/, (match, view) => showReports(view, new URLSearchParams(match[1] ?? ""))],
];

function show(section) {
  for (const id of ["sign-in", "refused", "view"]) {
    byId(id).hidden = id !== section;
  }
  const signedIn = section !== "sign-in";
  byId("who").hidden = !signedIn;
  byId("nav").hidden = section !== "view";
  document.querySelector("[data-testid=whoami]").textContent = signedIn ? session.userId ?? "" : "";
}

function showSignIn(message) {
  session.clear();
  show("sign-in");
  const error = document.querySelector("[data-testid=sign-in-error]");
  error.textContent = message ?? "";
  error.hidden = !message;
}

/** Renders the current route into a fresh container: a view still loading for an old route writes into a detached
 * one, so it can never overwrite the new view. */
async function render() {
  if (!session.token) {
    showSignIn();
    return;
  }
  show("view");
  const view = el("div", { className: "view-body" });
  byId("view").replaceChildren(view);
  const hash = window.location.hash || "#/users";
  const route = routes.find(([pattern]) => pattern.test(hash));
  if (!route) {
    go("/users");
    return;
  }
  await route[1](hash.match(route[0]), view);
}

/** The session or the admin right is gone: sign in again, or the refusal. */
function endAccess(error) {
  if (error instanceof ApiError && error.status === 401) {
    showSignIn("The session ended: sign in again.");
  } else if (error instanceof ApiError && error.status === 403 && error.errcode === "M_FORBIDDEN") {
    show("refused");
    document.querySelector("[data-testid=refused-reason]").textContent = error.message;
  }
}

/** The admin API answers a non-admin with 403: ask it something small before showing any view. */
async function checkAdmin() {
  try {
    await admin("GET", "/v2/users", { query: { limit: 1 } });
    return true;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      endAccess(error);
      return false;
    }
    throw error;
  }
}

async function onSignIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const submit = form.querySelector("button[type=submit]");
  submit.disabled = true;
  try {
    await signIn(form.elements.user.value.trim(), form.elements.password.value);
    form.reset();
    notify("");
    if (await checkAdmin()) {
      await render();
    }
  } catch (error) {
    const message = error instanceof ApiError && error.errcode === "M_FORBIDDEN"
      ? "Wrong user name or password."
      : error.message;
    showSignIn(message);
  } finally {
    submit.disabled = false;
  }
}

async function onSignOut() {
  await signOut().catch(() => undefined);
  notify("Signed out.");
  showSignIn();
}

async function start() {
  configureShell(render, endAccess);
  byId("sign-in-form").addEventListener("submit", onSignIn);
  byId("sign-out").addEventListener("click", onSignOut);
  window.addEventListener("hashchange", () => {
    takeNotice();
    render();
  });
  if (session.token && await checkAdmin()) {
    await render();
  } else if (!session.token) {
    showSignIn();
  }
  document.body.dataset.ready = "true";
}

start();
