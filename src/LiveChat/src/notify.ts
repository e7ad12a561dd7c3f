// Mentions (m.mentions, and the viewer's name in the text) and browser notifications for them, when permitted.

import type { MatrixEvent } from "matrix-js-sdk";

export function mentionsUser(event: MatrixEvent, userId: string, displayName: string | null): boolean {
  const content = event.getContent();
  const mentions = content["m.mentions"] as { user_ids?: unknown } | undefined;
  if (mentions && Array.isArray(mentions.user_ids) && mentions.user_ids.includes(userId)) return true;
  const body = typeof content.body === "string" ? content.body.toLowerCase() : "";
  const localpart = userId.slice(1, userId.indexOf(":")).toLowerCase();
  return (
    body.includes(userId.toLowerCase()) ||
    (localpart.length > 2 && body.includes(`@${localpart}`)) ||
    (!!displayName && displayName.length > 2 && body.includes(displayName.toLowerCase()))
  );
}

/** The user IDs a draft names, as "@name" tokens matched against the members' display names and IDs. */
export function mentionedUserIds(text: string, members: { userId: string; name: string }[]): string[] {
  const found = new Set<string>();
  const lower = text.toLowerCase();
  for (const member of members) {
    const localpart = member.userId.slice(1, member.userId.indexOf(":")).toLowerCase();
    if (
      lower.includes(member.userId.toLowerCase()) ||
      lower.includes(`@${member.name.toLowerCase()}`) ||
      (localpart && new RegExp(`@${localpart.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).test(lower))
    ) {
      found.add(member.userId);
    }
  }
  return [...found];
}

export function notificationsSupported(): boolean {
  return typeof Notification !== "undefined";
}

export async function askNotificationPermission(): Promise<boolean> {
  if (!notificationsSupported()) return false;
  if (Notification.permission === "granted") return true;
  if (Notification.permission === "denied") return false;
  return (await Notification.requestPermission()) === "granted";
}

export function notifyMention(roomName: string, senderName: string, body: string): void {
  if (!notificationsSupported() || Notification.permission !== "granted") return;
  if (document.visibilityState === "visible" && document.hasFocus()) return;
  new Notification(`${senderName} in ${roomName}`, { body: body.slice(0, 200), tag: "live-mention" });
}
