// What the message tools do: timeouts (POST .../timeouts), delete (redaction), ban, pin (m.room.pinned_events) and
// mute (the viewer's m.ignored_user_list).

import type { MatrixClient, MatrixEvent, Room } from "matrix-js-sdk";
import { Api, livePath, newTransactionId, roomPath } from "./api";
import { pinnedEventIds } from "./liveState";
import type { MessageAction } from "./ui/messageView";

export async function runModeration(
  client: MatrixClient,
  api: Api,
  room: Room,
  action: Exclude<MessageAction, "edit">,
  event: MatrixEvent,
): Promise<string> {
  const eventId = event.getId() ?? "";
  const sender = event.getSender() ?? "";
  switch (action) {
    case "timeout-2":
    case "timeout-5":
    case "timeout-10": {
      const minutes = Number(action.slice("timeout-".length));
      await api.request("POST", livePath(room.roomId, "/timeouts"), { user_id: sender, duration_minutes: minutes });
      return `${sender} is timed out for ${minutes} minutes.`;
    }
    case "delete":
      await api.request("PUT", roomPath(room.roomId, `/redact/${encodeURIComponent(eventId)}/${newTransactionId()}`), {});
      return "Message deleted.";
    case "ban":
      await api.request("POST", roomPath(room.roomId, "/ban"), { user_id: sender, reason: "Banned from the live chat" });
      return `${sender} is banned.`;
    case "pin":
    case "unpin": {
      const pinned = pinnedEventIds(room).filter((id) => id !== eventId);
      if (action === "pin") pinned.push(eventId);
      await api.request("PUT", roomPath(room.roomId, "/state/m.room.pinned_events/"), { pinned });
      return action === "pin" ? "Message pinned." : "Message unpinned.";
    }
    case "mute": {
      const ignored = new Set(client.getIgnoredUsers());
      ignored.add(sender);
      await client.setIgnoredUsers([...ignored]);
      return `${sender} is muted: you will not see their messages.`;
    }
  }
}

export async function unmute(client: MatrixClient, userId: string): Promise<void> {
  await client.setIgnoredUsers(client.getIgnoredUsers().filter((id) => id !== userId));
}
