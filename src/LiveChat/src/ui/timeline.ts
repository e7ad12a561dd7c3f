// The room's timeline: messages in order with edits applied (m.replace from the same sender), encrypted ones as
// decrypted (or marked as not readable), redacted messages and ignored users left out, scrolled to the newest unless the reader scrolled up.

import type { MatrixClient, MatrixEvent, Room } from "matrix-js-sdk";
import type { Api } from "../api";
import { clear, el } from "../dom";
import { displayName, isModerator, pinnedEventIds, canPin } from "../liveState";
import { mentionsUser } from "../notify";
import { renderMessage, type MessageAction, type MessageViewModel } from "./messageView";

const SHOWN_MESSAGES = 300;

export interface ReplacementInfo {
  content: Record<string, unknown>;
}

function relation(event: MatrixEvent): { rel_type?: string; event_id?: string } | undefined {
  return event.getWireContent()["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined;
}

export function isReplacement(event: MatrixEvent): boolean {
  return relation(event)?.rel_type === "m.replace";
}

/** The latest m.replace of each message by its own sender. */
export function replacements(events: MatrixEvent[]): Map<string, Record<string, unknown>> {
  const senders = new Map(events.map((event) => [event.getId(), event.getSender()]));
  const latest = new Map<string, Record<string, unknown>>();
  for (const event of events) {
    const relatesTo = relation(event);
    if (relatesTo?.rel_type !== "m.replace" || !relatesTo.event_id || event.isRedacted()) continue;
    if (senders.get(relatesTo.event_id) !== event.getSender()) continue;
    // Read from the decrypted content: in an encrypted room only m.relates_to stays outside the ciphertext.
    const newContent = event.getContent()["m.new_content"];
    if (newContent && typeof newContent === "object") latest.set(relatesTo.event_id, newContent as Record<string, unknown>);
  }
  return latest;
}

/**
 * IDs of the events redacted in this timeline. Room versions 11+ carry `redacts` in the content only, and the SDK
 * applies redactions from the top-level field alone, so both are read here.
 */
function redactedIds(events: MatrixEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.getType() !== "m.room.redaction") continue;
    const target = event.event.redacts ?? event.getWireContent().redacts;
    if (typeof target === "string") ids.add(target);
  }
  return ids;
}

export function visibleMessages(client: MatrixClient, room: Room): MatrixEvent[] {
  const ignored = new Set(client.getIgnoredUsers());
  const events = room.getLiveTimeline().getEvents();
  const redacted = redactedIds(events);
  return events
    .filter(
      (event) =>
        // m.room.encrypted: not decrypted (yet); decryption failures come as m.room.message (m.bad.encrypted).
        (event.getType() === "m.room.message" || event.getType() === "m.room.encrypted") &&
        !event.isRedacted() &&
        !redacted.has(event.getId() ?? "") &&
        !isReplacement(event) &&
        !ignored.has(event.getSender() ?? ""),
    );
}

export class TimelineView {
  readonly element = el("ol", { class: "timeline", "data-testid": "timeline", "aria-live": "polite" });
  private stickToBottom = true;
  /** The message whose tools are open, kept open across re-renders. */
  private openTools: string | null = null;

  constructor(
    private readonly client: MatrixClient,
    private readonly api: Api,
    private readonly onAction: (action: MessageAction, event: MatrixEvent) => void,
  ) {
    this.element.addEventListener("scroll", () => {
      const { scrollTop, scrollHeight, clientHeight } = this.element;
      this.stickToBottom = scrollHeight - scrollTop - clientHeight < 40;
    });
  }

  render(room: Room, options: { canPost: boolean }): void {
    const me = this.client.getUserId() ?? "";
    const moderator = isModerator(room, me);
    const pinner = canPin(room, me);
    const guest = this.client.isGuest();
    const pinned = new Set(pinnedEventIds(room));
    const allEvents = room.getLiveTimeline().getEvents();
    const edits = replacements(allEvents);
    const myName = room.getMember(me)?.name ?? null;
    const messages = visibleMessages(this.client, room).slice(-SHOWN_MESSAGES);
    clear(this.element);
    if (messages.length === 0) {
      this.element.append(el("li", { class: "empty", "data-testid": "timeline-empty" }, "No messages yet."));
    }
    for (const event of messages) {
      const id = event.getId() ?? "";
      const sender = event.getSender() ?? "";
      const mine = sender === me;
      const model: MessageViewModel = {
        event,
        content: edits.get(id) ?? (event.getContent() as Record<string, unknown>),
        senderName: displayName(this.client, room, sender),
        mine,
        edited: edits.has(id),
        mentionsMe: !mine && mentionsUser(event, me, myName),
        pinned: pinned.has(id),
        actions: this.actionsFor(mine, moderator, pinner, guest, pinned.has(id), options.canPost, event),
      };
      this.element.append(renderMessage(this.api, model, this.onAction, id === this.openTools, (open) => {
        this.openTools = open ? id : null;
      }));
    }
    if (this.stickToBottom) this.element.scrollTop = this.element.scrollHeight;
  }

  private actionsFor(
    mine: boolean, moderator: boolean, pinner: boolean, guest: boolean, pinned: boolean, canPost: boolean,
    event: MatrixEvent,
  ): MessageAction[] {
    const actions: MessageAction[] = [];
    const isText = event.getContent().msgtype === "m.text" || event.getContent().msgtype === "m.emote";
    if (mine && canPost && isText) actions.push("edit");
    if (moderator && !mine) actions.push("timeout-2", "timeout-5", "timeout-10");
    if (moderator || mine) actions.push("delete");
    if (moderator && !mine) actions.push("ban");
    if (pinner) actions.push(pinned ? "unpin" : "pin");
    if (!mine && !guest) actions.push("mute");
    return actions;
  }
}
