// One user: GET /_synapse/admin/v2/users/{userId} with their joined rooms and devices, and the actions on the
// account: deactivate (optionally erasing), reset the password, admin on or off, shadow-ban, suspend and lock.

import { admin, segment } from "./api.js";
import { confirmDialog, el, fields, link, table, time, yesNo } from "./dom.js";
import { act, go, load } from "./shell.js";

export async function showUser(view, userId) {
  const summary = el("div", { testid: "user-detail" }, el("p", { className: "muted" }, "Loading…"));
  const actions = el("div", { className: "actions-panel" });
  const rooms = el("div", { testid: "user-rooms" });
  const devices = el("div", { testid: "user-devices" });
  view.replaceChildren(
    el("p", {}, link("/users", "← Users")),
    el("h2", { testid: "user-title" }, userId),
    summary, actions,
    el("h3", {}, "Joined rooms"), rooms,
    el("h3", {}, "Devices"), devices);

  await Promise.all([
    load(summary, async () => {
      const user = await admin("GET", `/v2/users/${segment(userId)}`);
      summary.replaceChildren(fields([
        ["Display name", user.displayname],
        ["Admin", yesNo(user.admin)],
        ["Guest", yesNo(user.is_guest)],
        ["Deactivated", el("span", { testid: "user-deactivated" }, yesNo(user.deactivated))],
        ["Erased", yesNo(user.erased)],
        ["Shadow-banned", yesNo(user.shadow_banned)],
        ["Suspended", yesNo(user.suspended)],
        ["Locked", yesNo(user.locked)],
        ["User type", user.user_type],
        ["Created", time((user.creation_ts ?? 0) * 1000)],
        ["Last seen", time(user.last_seen_ts)],
      ], "user-fields"));
      actions.replaceChildren(...userActions(userId, user));
    }, "user-error"),
    load(rooms, async () => {
      const answer = await admin("GET", `/v1/users/${segment(userId)}/joined_rooms`);
      const joined = answer.joined_rooms ?? [];
      rooms.replaceChildren(joined.length === 0 ? el("p", { className: "muted" }, "None.") : el("ul", {},
        joined.map((roomId) => el("li", {}, link(`/rooms/${segment(roomId)}`, roomId, "user-room-link")))));
    }),
    load(devices, async () => {
      const answer = await admin("GET", `/v2/users/${segment(userId)}/devices`);
      const list = answer.devices ?? [];
      devices.replaceChildren(list.length === 0 ? el("p", { className: "muted" }, "None.") : table([
        { title: "Device", cell: (device) => device.device_id },
        { title: "Name", cell: (device) => device.display_name ?? "" },
        { title: "Last seen", cell: (device) => time(device.last_seen_ts) },
        { title: "Last IP", cell: (device) => device.last_seen_ip ?? "" },
      ], list, "device-row"));
    }),
  ]);
}

/** The action buttons for what the account is now; each re-renders the page with a notice when done. */
function userActions(userId, user) {
  const output = el("div", { testid: "user-action-output" });
  if (user.deactivated) {
    return [el("p", { className: "muted" }, "Deactivated accounts have no actions here."), output];
  }
  const path = `/users/${segment(userId)}`;
  const done = (notice) => go(path, notice);
  const button = (label, testid, action, className) => {
    const node = el("button", { type: "button", testid, className }, label);
    node.addEventListener("click", () => act(node, output, action));
    return node;
  };
  const toggle = (on, [onLabel, offLabel], testid, change) =>
    button(on ? offLabel : onLabel, testid, async () => {
      const choice = await confirmDialog(`${on ? offLabel : onLabel}?`, userId);
      if (choice) {
        await change(!on);
        done(`${on ? offLabel : onLabel}: done.`);
      }
    });

  const buttons = [];
  buttons.push(button("Deactivate…", "user-deactivate", async () => {
    const choice = await confirmDialog("Deactivate this account?", userId, {
      confirmLabel: "Deactivate",
      checkboxes: [{ name: "erase", label: "Also erase: hide their messages from new members, forget their profile" }],
    });
    if (choice) {
      await admin("POST", `/v1/deactivate/${segment(userId)}`, { body: { erase: choice.erase } });
      done(choice.erase ? "Deactivated and erased." : "Deactivated.");
    }
  }, "danger"));
  buttons.push(toggle(user.admin, ["Make admin", "Remove admin"], "user-toggle-admin",
    (admin_) => admin("PUT", `/v2/users/${segment(userId)}`, { body: { admin: admin_ } })));
  buttons.push(toggle(user.shadow_banned, ["Shadow-ban", "Lift shadow-ban"], "user-toggle-shadow-ban",
    (ban) => admin(ban ? "POST" : "DELETE", `/v1/users/${segment(userId)}/shadow_ban`)));
  buttons.push(toggle(user.suspended, ["Suspend", "Unsuspend"], "user-toggle-suspend",
    (suspend) => admin("PUT", `/v1/suspend/${segment(userId)}`, { body: { suspend } })));
  buttons.push(toggle(user.locked, ["Lock", "Unlock"], "user-toggle-lock",
    (locked) => admin("PUT", `/v2/users/${segment(userId)}`, { body: { locked } })));
  return [el("div", { className: "actions" }, buttons), passwordForm(userId, output), output];
}

function passwordForm(userId, output) {
  const form = el("form", { className: "filters", testid: "user-reset-password" },
    el("label", {}, "New password ",
      el("input", { name: "password", type: "password", autocomplete: "new-password", required: true })),
    el("label", { className: "check" }, el("input", { name: "logout", type: "checkbox", checked: true }),
      "Sign out their devices"),
    el("button", { type: "submit" }, "Reset password"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const submit = form.querySelector("button");
    act(submit, output, async () => {
      await admin("POST", `/v1/reset_password/${segment(userId)}`, {
        body: { new_password: form.elements.password.value, logout_devices: form.elements.logout.checked },
      });
      form.reset();
      output.replaceChildren(el("p", { className: "ok", testid: "user-password-reset" }, "Password reset."));
    });
  });
  return form;
}
