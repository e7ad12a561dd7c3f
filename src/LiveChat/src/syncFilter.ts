import { Filter } from "matrix-js-sdk";

/** Events a page asks /sync for at once (the first sync and any gap after it). */
export const TIMELINE_LIMIT = 50;

/**
 * The /sync filter of every page, guests included (the SDK would turn lazy loading off for guests, and a channel with
 * thousands of guests must not send each of them every member): members lazy-loaded, so a response carries only the
 * members of the senders it shows; no presence, which this client does not show and which in a channel of N readers
 * would be N changes for each of N readers; unread counts per thread, as the SDK asks for them.
 */
export function liveSyncFilter(userId: string): Filter {
  const filter = new Filter(userId);
  filter.setDefinition({
    room: {
      state: { lazy_load_members: true },
      timeline: { limit: TIMELINE_LIMIT, unread_thread_notifications: true },
    },
    presence: { not_types: ["*"] },
  });
  return filter;
}
