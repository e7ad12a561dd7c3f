// Private rooms of a logged-in user beside the event's channels: invite-only rooms they are in or invited to,
// created here with another user, encrypted from the start unless they choose otherwise (docs/LIVE.md).

import type { MatrixClient, Room } from "matrix-js-sdk";
import { ENCRYPTION_CONTENT, isEncryptedRoom } from "./crypto";
import { canSendState } from "./liveState";

export interface PrivateRoom {
  roomId: string;
  name: string;
  invited: boolean;
  encrypted: boolean;
}

export interface NewPrivateRoom {
  invitee: string;
  name: string;
  encrypted: boolean;
}

const USER_ID = /^@[^:\s]+:\S+$/;

/** The viewer's private (not public, not a space) rooms they joined or are invited to, leaving out `except`. */
export function privateRooms(client: MatrixClient, except: Set<string>): PrivateRoom[] {
  return client
    .getRooms()
    .filter((room) => {
      const membership = room.getMyMembership();
      return (membership === "join" || membership === "invite") && !except.has(room.roomId) && isPrivate(room) && !room.isSpaceRoom();
    })
    .map((room) => ({
      roomId: room.roomId,
      name: room.name || room.roomId,
      invited: room.getMyMembership() === "invite",
      encrypted: isEncryptedRoom(room),
    }))
    .sort((a, b) => Number(b.invited) - Number(a.invited) || a.name.localeCompare(b.name));
}

/** Not joinable by anyone: invite-only (or knock, restricted). Rooms the viewer is only invited to say so too. */
export function isPrivate(room: Room): boolean {
  return room.getJoinRule() !== "public";
}

/** Whether the viewer may opt this room in to encryption: a private room not yet encrypted, with the power to. */
export function canTurnOnEncryption(room: Room, userId: string): boolean {
  return isPrivate(room) && !isEncryptedRoom(room) && room.getMyMembership() === "join" &&
    canSendState(room, userId, "m.room.encryption");
}

/**
 * POST /createRoom: invite-only (private_chat), guests kept out, history shared with members from their invite
 * (so an invited member gets the room key of messages sent before they join), m.room.encryption at creation when
 * asked for.
 */
export async function createPrivateRoom(client: MatrixClient, request: NewPrivateRoom): Promise<string> {
  const invitee = request.invitee.trim();
  if (!USER_ID.test(invitee)) throw new Error("Name the other user by their Matrix ID, e.g. @name:server.");
  if (invitee === client.getUserId()) throw new Error("Invite someone other than yourself.");
  const initialState: { type: string; state_key: string; content: Record<string, unknown> }[] = [
    { type: "m.room.guest_access", state_key: "", content: { guest_access: "forbidden" } },
    { type: "m.room.history_visibility", state_key: "", content: { history_visibility: "invited" } },
  ];
  if (request.encrypted) initialState.push({ type: "m.room.encryption", state_key: "", content: { ...ENCRYPTION_CONTENT } });
  const name = request.name.trim();
  const response = await client.createRoom({
    preset: "private_chat" as never,
    visibility: "private" as never,
    invite: [invitee],
    ...(name ? { name } : {}),
    initial_state: initialState as never,
  });
  return response.room_id;
}
