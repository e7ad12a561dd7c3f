// Resolving what the URL names into channels: a space gives its children (m.space.child, through the hierarchy API),
// the first being the event channel and the rest the artists' channels; a room is the event channel on its own,
// with the children of its parent space (m.space.parent) when it has one.

import type { MatrixClient } from "matrix-js-sdk";

export interface Channel {
  roomId: string;
  name: string;
  topic: string | null;
  guestCanJoin: boolean;
  worldReadable: boolean;
  isSpace: boolean;
}

export async function resolveRoomId(client: MatrixClient, roomOrAlias: string): Promise<string> {
  if (roomOrAlias.startsWith("!")) return roomOrAlias;
  return (await client.getRoomIdForAlias(roomOrAlias)).room_id;
}

interface HierarchyRoom {
  room_id: string;
  name?: string;
  canonical_alias?: string;
  topic?: string;
  guest_can_join?: boolean;
  world_readable?: boolean;
  room_type?: string;
  children_state?: { state_key: string; content?: { order?: unknown; suggested?: unknown } }[];
}

function toChannel(room: HierarchyRoom): Channel {
  return {
    roomId: room.room_id,
    name: room.name ?? room.canonical_alias ?? room.room_id,
    topic: room.topic ?? null,
    guestCanJoin: room.guest_can_join === true,
    worldReadable: room.world_readable === true,
    isSpace: room.room_type === "m.space",
  };
}

/**
 * The channels of a room or space, the event channel first, and the event's title (the space's or the room's name);
 * null when the hierarchy cannot be read.
 */
export async function loadChannels(
  client: MatrixClient,
  roomId: string,
): Promise<{ title: string; channels: Channel[] } | null> {
  let rooms: HierarchyRoom[];
  try {
    rooms = (await client.getRoomHierarchy(roomId, 100, 1)).rooms as unknown as HierarchyRoom[];
  } catch {
    return null;
  }
  const top = rooms.find((room) => room.room_id === roomId);
  if (!top) return null;
  if (top.room_type !== "m.space") {
    const channels = [toChannel(top), ...rooms.filter((room) => room.room_id !== roomId).map(toChannel)];
    return { title: channels[0].name, channels };
  }
  const order = new Map<string, string>();
  const suggested = new Set<string>();
  for (const child of top.children_state ?? []) {
    if (typeof child.content?.order === "string") order.set(child.state_key, child.content.order);
    if (child.content?.suggested === true) suggested.add(child.state_key);
  }
  const children = rooms.filter((room) => room.room_id !== roomId && room.room_type !== "m.space");
  children.sort((a, b) => {
    const bySuggested = Number(suggested.has(b.room_id)) - Number(suggested.has(a.room_id));
    if (bySuggested !== 0) return bySuggested;
    const orderA = order.get(a.room_id) ?? "\uffff";
    const orderB = order.get(b.room_id) ?? "\uffff";
    return orderA < orderB ? -1 : orderA > orderB ? 1 : a.room_id < b.room_id ? -1 : 1;
  });
  return { title: toChannel(top).name, channels: children.map(toChannel) };
}

/** Joins the room (guests only where guest_access is can_join); false when only peeking is possible. */
export async function enterRoom(client: MatrixClient, roomId: string): Promise<"joined" | "peeking"> {
  const existing = client.getRoom(roomId);
  if (existing?.getMyMembership() === "join") return "joined";
  try {
    await client.joinRoom(roomId);
    return "joined";
  } catch (joinError) {
    try {
      await client.peekInRoom(roomId);
      return "peeking";
    } catch {
      throw joinError;
    }
  }
}
