// One message of the timeline: sender, time, text (links made clickable, everything else plain text), pictures and
// files from authenticated media, and the tools the viewer may use on it.

import type { MatrixEvent } from "matrix-js-sdk";
import type { Api } from "../api";
import { el, formatTime, safeHttpUrl, button } from "../dom";
import { encryptionStateOf } from "../crypto";
import { mediaBlobUrl } from "../media";

export type MessageAction =
  | "timeout-2" | "timeout-5" | "timeout-10" | "delete" | "ban" | "pin" | "unpin" | "mute" | "edit";

export interface MessageViewModel {
  event: MatrixEvent;
  content: Record<string, unknown>;
  senderName: string;
  mine: boolean;
  edited: boolean;
  mentionsMe: boolean;
  pinned: boolean;
  actions: MessageAction[];
}

const ACTION_LABELS: Record<MessageAction, string> = {
  "timeout-2": "Timeout 2 min",
  "timeout-5": "Timeout 5 min",
  "timeout-10": "Timeout 10 min",
  delete: "Delete",
  ban: "Ban",
  pin: "Pin",
  unpin: "Unpin",
  mute: "Mute user",
  edit: "Edit",
};

const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

/** Text with its http(s) links as anchors; every piece is a text node. */
export function linkifiedText(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(/[.,;:!?)]+$/, "");
    const start = match.index ?? 0;
    const href = safeHttpUrl(raw);
    if (!href) continue;
    fragment.append(text.slice(last, start));
    fragment.append(el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" }, raw));
    last = start + raw.length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

function attachment(api: Api, content: Record<string, unknown>): HTMLElement | null {
  const url = typeof content.url === "string" ? content.url : null;
  if (!url) return null;
  const name = typeof content.body === "string" ? content.body : "file";
  if (content.msgtype === "m.image") {
    const image = el("img", { class: "attachment-image", alt: name, "data-testid": "message-image" });
    mediaBlobUrl(api, url, true).then(
      (blobUrl) => (image.src = blobUrl),
      () => image.replaceWith(el("span", { class: "muted" }, `(image unavailable: ${name})`)),
    );
    return image;
  }
  const link = el("a", { class: "attachment-file", href: "#", "data-testid": "message-file" }, `Download ${name}`);
  link.addEventListener("click", async (clickEvent) => {
    clickEvent.preventDefault();
    const blobUrl = await mediaBlobUrl(api, url, false);
    const save = el("a", { href: blobUrl, download: name });
    save.click();
  });
  return link;
}

export function renderMessage(
  api: Api,
  model: MessageViewModel,
  onAction: (action: MessageAction, event: MatrixEvent) => void,
  toolsOpen = false,
  onToolsToggled: (open: boolean) => void = () => undefined,
): HTMLLIElement {
  const { event, content } = model;
  const classes = ["message"];
  if (model.mine) classes.push("mine");
  if (model.mentionsMe) classes.push("mention");
  if (model.pinned) classes.push("pinned");
  const body = typeof content.body === "string" ? content.body : "";
  const isEmote = content.msgtype === "m.emote";
  const encryption = encryptionStateOf(event);
  if (encryption === "pending" || encryption === "undecryptable") classes.push("unreadable");
  const item = el("li", {
    class: classes.join(" "),
    "data-testid": "message",
    "data-event-id": event.getId() ?? "",
    "data-sender": event.getSender() ?? "",
    "data-encryption": encryption,
  });
  const meta = el(
    "div",
    { class: "meta" },
    el("span", { class: "sender", "data-testid": "message-sender" }, model.senderName),
    " ",
    el("time", { "data-testid": "message-time", datetime: new Date(event.getTs()).toISOString() }, formatTime(event.getTs())),
    model.edited ? el("span", { class: "edited", "data-testid": "message-edited" }, " (edited)") : null,
    model.pinned ? el("span", { class: "pin-mark", "data-testid": "message-pinned", title: "Pinned" },  " (pinned)") : null,
  );
  item.append(meta);
  const text = el("div", { class: "body", "data-testid": "message-body" });
  if (isEmote) text.append(`* ${model.senderName} `);
  if (encryption === "pending") {
    text.append(el("span", { class: "muted", "data-testid": "message-encrypted" }, "Encrypted message (not decrypted)"));
  } else if (encryption === "undecryptable") {
    text.append(el("span", { class: "muted", "data-testid": "message-undecryptable" }, "This message could not be decrypted"));
  } else if (content.msgtype === "m.image" || content.msgtype === "m.file" || content.msgtype === "m.video" || content.msgtype === "m.audio") {
    const media = attachment(api, content);
    if (media) text.append(media);
    else text.append(body);
  } else {
    text.append(linkifiedText(body));
  }
  item.append(text);
  if (model.actions.length > 0) item.append(toolsFor(model, onAction, toolsOpen, onToolsToggled));
  return item;
}

function toolsFor(
  model: MessageViewModel,
  onAction: (action: MessageAction, event: MatrixEvent) => void,
  open: boolean,
  onToggled: (open: boolean) => void,
): HTMLElement {
  const tools = el("div", { class: "tools", "data-testid": "message-tools", hidden: open ? undefined : "" });
  for (const action of model.actions) {
    tools.append(button(ACTION_LABELS[action], `action-${action}`, () => onAction(action, model.event), "tool"));
  }
  const toggle = button("⋯", "message-tools-toggle", () => {
    tools.hidden = !tools.hidden;
    onToggled(!tools.hidden);
  }, "tools-toggle");
  toggle.setAttribute("aria-label", "Message tools");
  return el("div", { class: "tools-wrap" }, toggle, tools);
}
