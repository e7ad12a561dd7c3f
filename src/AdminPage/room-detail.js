// One room: GET /_synapse/admin/v1/rooms/{roomId}, its members and state, blocking, and deletion (DELETE
// /_synapse/admin/v2/rooms/{roomId}, a background job whose status is polled until it ends).

import { admin, segment } from "./api.js";
import { confirmDialog, el, fields, json, link, table, yesNo } from "./dom.js";
import { act, go, load } from "./shell.js";
import { roomLabel } from "./rooms.js";

const POLL_MS = 1000;

export async function showRoom(view, roomId) {
  const title = el("h2", { testid: "room-title" }, roomId);
  const summary = el("div", { testid: "room-detail" }, el("p", { className: "muted" }, "Loading…"));
  const actions = el("div", { className: "actions-panel", testid: "room-actions" });
  const members = el("div", { testid: "room-members" });
  const state = el("div", { testid: "room-state" });
  view.replaceChildren(el("p", {}, link("/rooms", "← Rooms")), title, summary, actions,
    el("h3", {}, "Members"), members, el("details", {}, el("summary", {}, "State events"), state));

  await Promise.all([
    load(summary, async () => {
      const [room, block] = await Promise.all([
        admin("GET", `/v1/rooms/${segment(roomId)}`),
        admin("GET", `/v1/rooms/${segment(roomId)}/block`),
      ]);
      title.textContent = roomLabel(room);
      summary.replaceChildren(fields([
        ["Room ID", room.room_id],
        ["Name", room.name],
        ["Topic", room.topic],
        ["Alias", room.canonical_alias],
        ["Creator", room.creator],
        ["Version", room.version],
        ["Members", String(room.joined_members ?? 0)],
        ["Local members", String(room.joined_local_members ?? 0)],
        ["Public", yesNo(room.public)],
        ["Join rule", room.join_rules],
        ["Guest access", room.guest_access],
        ["History visibility", room.history_visibility],
        ["Encryption", room.encryption],
        ["Blocked", el("span", { testid: "room-blocked" }, block.block ? `yes (by ${block.user_id ?? "?"})` : "no")],
      ], "room-fields"));
      actions.replaceChildren(...roomActions(roomId, block.block === true));
    }, "room-error"),
    load(members, async () => {
      const answer = await admin("GET", `/v1/rooms/${segment(roomId)}/members`);
      const list = answer.members ?? [];
      members.replaceChildren(el("p", { className: "muted" }, `${answer.total ?? list.length} joined`),
        el("ul", {}, list.map((userId) => el("li", { testid: "room-member" },
          link(`/users/${segment(userId)}`, userId, "room-member-link")))));
    }),
    load(state, async () => {
      const answer = await admin("GET", `/v1/rooms/${segment(roomId)}/state`);
      state.replaceChildren(table([
        { title: "Type", cell: (event) => event.type },
        { title: "State key", cell: (event) => event.state_key },
        { title: "Sender", cell: (event) => event.sender },
        { title: "Content", cell: (event) => json(event.content) },
      ], answer.state ?? [], "state-row"));
    }),
  ]);
}

function roomActions(roomId, blocked) {
  const output = el("div", { testid: "room-action-output" });
  const blockButton = el("button", { type: "button", testid: "room-toggle-block" }, blocked ? "Unblock" : "Block");
  blockButton.addEventListener("click", () => act(blockButton, output, async () => {
    const choice = await confirmDialog(blocked ? "Unblock this room?" : "Block this room?",
      blocked ? "Local users may join it again." : "Local users can no longer join it.");
    if (choice) {
      await admin("PUT", `/v1/rooms/${segment(roomId)}/block`, { body: { block: !blocked } });
      go(`/rooms/${segment(roomId)}`, blocked ? "Unblocked." : "Blocked.");
    }
  }));

  const deleteButton = el("button", { type: "button", className: "danger", testid: "room-delete" }, "Delete…");
  deleteButton.addEventListener("click", () => act(deleteButton, output, async () => {
    const choice = await confirmDialog("Delete this room?", "Every local member is removed from it.", {
      confirmLabel: "Delete",
      checkboxes: [
        { name: "purge", label: "Purge its history from the database", checked: true },
        { name: "block", label: "Block it, so no one joins it again" },
      ],
    });
    if (choice) {
      const answer = await admin("DELETE", `/v2/rooms/${segment(roomId)}`,
        { body: { purge: choice.purge, block: choice.block } });
      const status = el("p", { testid: "room-delete-status" }, "Deletion started.");
      output.replaceChildren(status);
      await followDeletion(answer.delete_id, status);
    }
  }));
  return [el("div", { className: "actions" }, blockButton, deleteButton), output];
}

/** Polls the deletion job until it completes or fails, writing its status; stops when the page moved on. */
async function followDeletion(deleteId, status) {
  while (status.isConnected) {
    const job = await admin("GET", `/v2/rooms/delete_status/${segment(deleteId)}`);
    status.dataset.status = job.status;
    status.textContent = job.status === "failed"
      ? `Deletion failed: ${job.error ?? "no reason given"}`
      : `Deletion: ${job.status}`;
    if (job.status === "complete" || job.status === "failed") {
      return;
    }
    await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
  }
}
