// The room's live-event state as docs/LIVE.md defines it, read from the SDK's copy of the room state: the
// moderator rule, rules, the viewer's timeout and slow mode.

import type { MatrixClient, Room } from "matrix-js-sdk";

export const LIVE = {
  timeout: "org.homeserver.live.timeout",
  slowMode: "org.homeserver.live.slow_mode",
  rules: "org.homeserver.live.rules",
  rulesAccepted: "org.homeserver.live.rules_accepted",
  schedule: "org.homeserver.live.schedule",
  timedOut: "ORG.HOMESERVER.LIVE.TIMED_OUT",
  rulesNotAccepted: "ORG.HOMESERVER.LIVE.RULES_NOT_ACCEPTED",
  notOpen: "ORG.HOMESERVER.LIVE.NOT_OPEN",
  closed: "ORG.HOMESERVER.LIVE.CLOSED",
} as const;

/** The longest a timeout can last, counted from its event (the server caps it the same way). */
const MAX_TIMEOUT_MS = 60 * 60 * 1000;

export interface Rules {
  /** As the state has it: a string or a number (the server compares them as JSON, so 1 is not "1"). */
  version: unknown;
  text: string;
  requireAcceptance: boolean;
}

export interface Timeout {
  expiresAt: number;
  reason: string | null;
}

function stateContent(room: Room, type: string, stateKey = ""): Record<string, unknown> | null {
  const event = room.currentState.getStateEvents(type, stateKey);
  return event ? (event.getContent() as Record<string, unknown>) : null;
}

function powerLevels(room: Room): Record<string, unknown> {
  return stateContent(room, "m.room.power_levels") ?? {};
}

function number(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** Room versions whose creators have unlimited power and are not listed in m.room.power_levels (MSC4289). */
const CREATORS_PRIVILEGED = new Set(["12", "org.matrix.hydra.11"]);

function isPrivilegedCreator(room: Room, userId: string): boolean {
  const create = room.currentState.getStateEvents("m.room.create", "");
  if (!create) return false;
  const content = create.getContent();
  const version = typeof content.room_version === "string" ? content.room_version : "1";
  if (!CREATORS_PRIVILEGED.has(version)) return false;
  const additional = Array.isArray(content.additional_creators) ? content.additional_creators : [];
  return create.getSender() === userId || additional.includes(userId);
}

export function userPower(room: Room, userId: string): number {
  if (isPrivilegedCreator(room, userId)) return Number.POSITIVE_INFINITY;
  const levels = powerLevels(room);
  const users = (levels.users ?? {}) as Record<string, unknown>;
  if (userId in users) return number(users[userId], 0);
  if (!stateContent(room, "m.room.power_levels")) {
    return room.currentState.getStateEvents("m.room.create", "")?.getSender() === userId ? 100 : 0;
  }
  return number(levels.users_default, 0);
}

function powerToSendState(room: Room, type: string): number {
  const levels = powerLevels(room);
  const events = (levels.events ?? {}) as Record<string, unknown>;
  return number(events[type], number(levels.state_default, 50));
}

/** LiveModerators: whoever may send org.homeserver.live.timeout state. */
export function isModerator(room: Room, userId: string): boolean {
  return userPower(room, userId) >= powerToSendState(room, LIVE.timeout);
}

export function canPin(room: Room, userId: string): boolean {
  return canSendState(room, userId, "m.room.pinned_events");
}

export function canSendState(room: Room, userId: string, type: string): boolean {
  return userPower(room, userId) >= powerToSendState(room, type);
}

export function rulesOf(room: Room): Rules | null {
  const content = stateContent(room, LIVE.rules);
  if (!content || typeof content.text !== "string") return null;
  return {
    version: content.version,
    text: content.text,
    requireAcceptance: content.require_acceptance === true && content.version !== undefined,
  };
}

/** The accepted rules version as JSON text (compared with JSON.stringify of the current one), or null. */
export function acceptedRulesVersion(room: Room): string | null {
  const content = room.getAccountData(LIVE.rulesAccepted)?.getContent();
  return content && content.version !== undefined ? JSON.stringify(content.version) : null;
}

/** The viewer's active timeout, if any (expired ones end by themselves). */
export function activeTimeout(room: Room, userId: string, now: number): Timeout | null {
  // The state key is the user ID without its "@": the auth rules refuse "@" keys from anyone but that user.
  const event = room.currentState.getStateEvents(LIVE.timeout, userId.replace(/^@/, ""));
  if (!event) return null;
  const content = event.getContent();
  if (typeof content.expires_at !== "number") return null;
  const expiresAt = Math.min(content.expires_at, event.getTs() + MAX_TIMEOUT_MS);
  return expiresAt > now ? { expiresAt, reason: typeof content.reason === "string" ? content.reason : null } : null;
}

export function slowModeSeconds(room: Room): number {
  const seconds = number(stateContent(room, LIVE.slowMode)?.seconds, 0);
  return Number.isInteger(seconds) && seconds > 0 ? seconds : 0;
}

export function pinnedEventIds(room: Room): string[] {
  const pinned = stateContent(room, "m.room.pinned_events")?.pinned;
  return Array.isArray(pinned) ? pinned.filter((id): id is string => typeof id === "string") : [];
}

export function displayName(client: MatrixClient, room: Room | null, userId: string): string {
  return room?.getMember(userId)?.name ?? client.getUser(userId)?.displayName ?? userId;
}
