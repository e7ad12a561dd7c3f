// Sending and the posting rules as the viewer sees them: the composer's lock (timeout, rules not accepted, slow mode,
// schedule, read-only guests) computed from room state, and refusals from the server turned into locks too, so the
// UI follows the server even where its state has not reached the client yet.

import type { MatrixClient, Room } from "matrix-js-sdk";
import { Api, ApiError, livePath, newTransactionId, roomPath } from "./api";
import { hasCrypto, isEncryptedRoom, sendEncrypted } from "./crypto";
import { activeTimeout, acceptedRulesVersion, isModerator, LIVE, rulesOf, slowModeSeconds } from "./liveState";
import { mentionedUserIds } from "./notify";
import { formatCountdown } from "./dom";
import type { ComposerLock } from "./ui/composer";

interface ServerLock {
  roomId: string;
  lock: ComposerLock;
}

export class Posting {
  private readonly lastSent = new Map<string, number>();
  private serverLock: ServerLock | null = null;
  private readonly accepted = new Map<string, string>();

  constructor(
    private readonly client: MatrixClient,
    private readonly api: Api,
  ) {}

  /** Why the viewer may not post in the room now, or null. */
  lockFor(room: Room, joined: boolean, showRules: () => void): ComposerLock | null {
    const me = this.client.getUserId() ?? "";
    const now = Date.now();
    if (!joined) {
      return { reason: this.client.isGuest() ? "Read only: log in to chat here." : "Read only: you are not in this room." };
    }
    if (isEncryptedRoom(room) && !hasCrypto(this.client)) {
      return { reason: "This room is end-to-end encrypted: encryption is not available in this session." };
    }
    if (isModerator(room, me)) return null;
    const timeout = activeTimeout(room, me, now);
    if (timeout) {
      return {
        reason: `You are timed out${timeout.reason ? ` (${timeout.reason})` : ""}. You can post again in`,
        until: timeout.expiresAt,
      };
    }
    if (this.rulesPending(room)) {
      return { reason: "Accept the room rules to post.", action: { label: "Show rules", testId: "show-rules", run: showRules } };
    }
    const server = this.serverLock;
    if (server && server.roomId === room.roomId && (server.lock.until === undefined || server.lock.until > now)) {
      return server.lock;
    }
    const seconds = slowModeSeconds(room);
    const last = this.lastSent.get(room.roomId);
    if (seconds > 0 && last !== undefined && last + seconds * 1000 > now) {
      return { reason: `Slow mode (one message every ${seconds} s): next message in`, until: last + seconds * 1000 };
    }
    return null;
  }

  rulesPending(room: Room): boolean {
    const rules = rulesOf(room);
    if (!rules || !rules.requireAcceptance) return false;
    if (isModerator(room, this.client.getUserId() ?? "")) return false;
    const accepted = this.accepted.get(room.roomId) ?? acceptedRulesVersion(room);
    return accepted !== JSON.stringify(rules.version);
  }

  /** POST .../rules/accept {version}. */
  async acceptRules(room: Room): Promise<void> {
    const rules = rulesOf(room);
    if (!rules) return;
    await this.api.request("POST", livePath(room.roomId, "/rules/accept"), { version: rules.version });
    this.accepted.set(room.roomId, JSON.stringify(rules.version));
    if (this.serverLock?.roomId === room.roomId) this.serverLock = null;
  }

  async sendText(room: Room, text: string, replacing: string | null): Promise<void> {
    const members = room.getJoinedMembers().map((member) => ({ userId: member.userId, name: member.name }));
    const mentions = { user_ids: mentionedUserIds(text, members).filter((id) => id !== this.client.getUserId()) };
    const content: Record<string, unknown> = replacing
      ? {
          msgtype: "m.text",
          body: `* ${text}`,
          "m.new_content": { msgtype: "m.text", body: text, "m.mentions": mentions },
          "m.relates_to": { rel_type: "m.replace", event_id: replacing },
          "m.mentions": mentions,
        }
      : { msgtype: "m.text", body: text, "m.mentions": mentions };
    await this.send(room, content);
  }

  async send(room: Room, content: Record<string, unknown>): Promise<void> {
    try {
      if (isEncryptedRoom(room)) await sendEncrypted(this.client, room, content);
      else await this.api.request("PUT", roomPath(room.roomId, `/send/m.room.message/${newTransactionId()}`), content);
      this.lastSent.set(room.roomId, Date.now());
      if (this.serverLock?.roomId === room.roomId) this.serverLock = null;
    } catch (error) {
      if (error instanceof ApiError) {
        const lock = this.lockFromRefusal(error);
        if (lock) {
          this.serverLock = { roomId: room.roomId, lock };
          throw new Error(lock.until ? `${lock.reason} ${formatCountdown(lock.until - Date.now())}` : lock.reason);
        }
      }
      throw error;
    }
  }

  private lockFromRefusal(error: ApiError): ComposerLock | null {
    const body = error.body;
    const at = (field: string): number | undefined => (typeof body[field] === "number" ? (body[field] as number) : undefined);
    switch (error.errcode) {
      case LIVE.timedOut:
        return { reason: "You are timed out. You can post again in", until: at("expires_at") ?? Date.now() + 60_000 };
      case "M_LIMIT_EXCEEDED":
        return { reason: "Slow down: next message in", until: Date.now() + (at("retry_after_ms") ?? 1000) };
      case LIVE.rulesNotAccepted:
        return { reason: "Accept the room rules to post." };
      case LIVE.notOpen:
        return { reason: "The chat is not open yet. It opens in", until: at("opens_at") };
      case LIVE.closed:
        return { reason: "The event is over: this chat is a read-only archive now." };
      default:
        return null;
    }
  }
}
