// End-to-end encryption for private rooms (docs/LIVE.md, "Encrypted private rooms"): the SDK's Rust crypto started
// for logged-in users, sending through the SDK in encrypted rooms (it encrypts; a raw PUT /send would not), and how
// an encrypted event reads in the timeline. The event channels stay unencrypted: nothing here turns encryption on by
// itself.

import { EventStatus, MatrixError, type MatrixClient, type MatrixEvent, type Room } from "matrix-js-sdk";
import { ApiError } from "./api";
import type { Session } from "./session";

export const MEGOLM_ALGORITHM = "m.megolm.v1.aes-sha2";

/** The m.room.encryption state a new encrypted room is created with, or an opt-in writes. */
export const ENCRYPTION_CONTENT = { algorithm: MEGOLM_ALGORITHM } as const;

/**
 * One IndexedDB crypto store per account and device: another account logged in later in the same browser gets its
 * own store instead of failing on one that holds a different device's keys.
 */
function storePrefix(session: Session): string {
  return `org.homeserver.live.crypto:${session.userId}:${session.deviceId}`;
}

/**
 * Starts the Rust crypto (its WebAssembly is fetched now, not for guests) before the client syncs; the device's keys
 * are uploaded by the SDK. False when this session gets no encryption: a guest (guests cannot create rooms and may
 * send only m.room.message, so they could never post in an encrypted room), or a browser where it fails to start.
 */
export async function startCrypto(client: MatrixClient, session: Session): Promise<boolean> {
  if (session.isGuest) return false;
  try {
    await client.initRustCrypto({ useIndexedDB: true, cryptoDatabasePrefix: storePrefix(session) });
    return true;
  } catch (error) {
    console.warn("End-to-end encryption is unavailable:", error);
    return false;
  }
}

/** Deletes the session's crypto store after log-out (the device is gone with the access token). */
export async function clearCrypto(client: MatrixClient, session: Session): Promise<void> {
  if (session.isGuest) return;
  await client.clearStores({ cryptoDatabasePrefix: storePrefix(session) }).catch(() => undefined);
}

export function isEncryptedRoom(room: Room): boolean {
  return room.hasEncryptionStateEvent();
}

export function hasCrypto(client: MatrixClient): boolean {
  return client.getCrypto() !== undefined;
}

/** PUT /rooms/{roomId}/state/m.room.encryption: opts the room in; there is no way back (the spec's rule). */
export async function turnOnEncryption(client: MatrixClient, roomId: string): Promise<void> {
  // The SDK types its state contents per event type; this content is the one the spec defines for it.
  await client.sendStateEvent(roomId, "m.room.encryption" as never, { ...ENCRYPTION_CONTENT } as never, "");
}

/**
 * Sends a message into an encrypted room through the SDK, which encrypts it for the members' devices (and shares the
 * room key with them over to-device messages first). Refusals come back as ApiError, as the raw sends' do.
 */
export async function sendEncrypted(client: MatrixClient, room: Room, content: Record<string, unknown>): Promise<void> {
  try {
    await client.sendEvent(room.roomId, "m.room.message" as never, content as never);
  } catch (error) {
    // The SDK keeps a refused message in the timeline as "not sent"; the composer shows the refusal instead.
    for (const event of room.getLiveTimeline().getEvents()) {
      if (event.status === EventStatus.NOT_SENT) client.cancelPendingEvent(event);
    }
    if (error instanceof MatrixError) {
      throw new ApiError(error.httpStatus ?? 0, error.errcode ?? `HTTP_${error.httpStatus ?? 0}`, error.message, error.data ?? {});
    }
    throw error;
  }
}

export type EncryptionState = "plain" | "decrypted" | "pending" | "undecryptable";

/**
 * How an event's encryption reads: "pending" while it is still m.room.encrypted (being decrypted, or no crypto in
 * this session), "undecryptable" when decryption failed (the SDK then gives it m.bad.encrypted content).
 */
export function encryptionStateOf(event: MatrixEvent): EncryptionState {
  if (!event.isEncrypted()) return "plain";
  if (event.isDecryptionFailure()) return "undecryptable";
  return event.getType() === "m.room.encrypted" ? "pending" : "decrypted";
}
