// The private rooms' UI for logged-in users: their list under the channels (invites first) with "New private room"
// (a dialog: whom to invite, a name, encrypted or not), and the open room's encryption bar: a badge when it is
// end-to-end encrypted, or, in a private room that is not, a button to turn encryption on after a confirmation.

import { button, el } from "../dom";
import type { NewPrivateRoom, PrivateRoom } from "../privateRooms";
import { overlay } from "./dialogs";

export interface PrivateRoomsCallbacks {
  open(room: PrivateRoom): void;
  create(request: NewPrivateRoom): Promise<void>;
}

export class PrivateRoomsPanel {
  private readonly list = el("ul", { class: "channel-list", "data-testid": "private-rooms" });
  readonly element: HTMLElement;

  constructor(private readonly callbacks: PrivateRoomsCallbacks) {
    this.element = el(
      "section",
      { class: "private-rooms", "aria-label": "Private rooms" },
      el("span", { class: "section" }, "Private rooms"),
      this.list,
      button("New private room", "private-room-new", () => showNewPrivateRoomDialog(callbacks.create), "tool"),
    );
  }

  show(rooms: PrivateRoom[], currentRoomId: string | null): void {
    this.list.replaceChildren(...rooms.map((room) => {
      const label = `${room.name}${room.invited ? " (invited)" : ""}`;
      const entry = button(label, "private-room", () => this.callbacks.open(room),
        room.roomId === currentRoomId ? "channel current" : "channel");
      entry.dataset.roomId = room.roomId;
      entry.dataset.invited = String(room.invited);
      entry.dataset.encrypted = String(room.encrypted);
      if (room.roomId === currentRoomId) entry.setAttribute("aria-current", "true");
      if (room.encrypted) entry.title = "End-to-end encrypted";
      return el("li", {}, entry);
    }));
  }
}

function showNewPrivateRoomDialog(create: (request: NewPrivateRoom) => Promise<void>): void {
  const invitee = el("input", {
    name: "invitee", required: "", placeholder: "@name:server", autocomplete: "off", "data-testid": "private-room-invitee",
  });
  const name = el("input", { name: "name", maxlength: "100", placeholder: "Optional", "data-testid": "private-room-name" });
  const encrypted = el("input", { type: "checkbox", name: "encrypted", checked: "", "data-testid": "private-room-encrypted" });
  const error = el("p", { class: "error", role: "alert", "data-testid": "private-room-error" });
  const submit = el("button", { type: "submit", class: "primary", "data-testid": "private-room-create" }, "Create");
  const form = el(
    "form",
    { class: "login-form" },
    el("label", {}, "Invite (Matrix ID)", invitee),
    el("label", {}, "Room name", name),
    el("label", { class: "checkbox" }, encrypted, "End-to-end encrypted (cannot be turned off later)"),
    error,
    el("div", { class: "dialog-buttons" }, button("Cancel", "private-room-cancel", () => dialog.close(), "link"), submit),
  );
  const dialog = overlay("private-room-dialog", "New private room", form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await create({ invitee: invitee.value, name: name.value, encrypted: encrypted.checked });
      dialog.close();
    } catch (failure) {
      submit.disabled = false;
      error.textContent = failure instanceof Error ? failure.message : String(failure);
    }
  });
  invitee.focus();
}

export type RoomEncryption = "encrypted" | "can-turn-on" | "none";

/** The open room's encryption badge or opt-in button, in the room header. */
export class EncryptionBar {
  readonly element = el("div", { class: "encryption-bar", "data-testid": "encryption-bar" });
  private shown: RoomEncryption | null = null;

  constructor(private readonly turnOn: () => Promise<void>) {}

  show(state: RoomEncryption, cryptoAvailable: boolean): void {
    if (state === this.shown) return;
    this.shown = state;
    if (state === "encrypted") {
      this.element.replaceChildren(el("span", {
        class: "encrypted-badge",
        "data-testid": "room-encrypted",
        title: cryptoAvailable ? "Messages here are end-to-end encrypted" : "Log in to read this room's encrypted messages",
      }, "End-to-end encrypted"));
    } else if (state === "can-turn-on") {
      this.element.replaceChildren(button("Turn on encryption", "encryption-enable", () => this.confirm(), "tool"));
    } else {
      this.element.replaceChildren();
    }
  }

  private confirm(): void {
    const error = el("p", { class: "error", role: "alert", "data-testid": "encryption-error" });
    let dialog: { close: () => void } | null = null;
    const confirmButton = button("Turn on", "encryption-confirm", async () => {
      confirmButton.disabled = true;
      try {
        await this.turnOn();
        dialog?.close();
      } catch (failure) {
        confirmButton.disabled = false;
        error.textContent = failure instanceof Error ? failure.message : String(failure);
      }
    }, "primary");
    dialog = overlay(
      "encryption-dialog",
      "Turn on end-to-end encryption?",
      el("p", {}, "Messages sent from now on can be read only by the members' devices, not by the server. " +
        "Encryption cannot be turned off again."),
      error,
      el("div", { class: "dialog-buttons" }, button("Cancel", "encryption-cancel", () => dialog?.close(), "link"), confirmButton),
    );
    confirmButton.focus();
  }
}
