// The room list: GET /_synapse/admin/v1/rooms with a search term, an order and Synapse's paging (from, limit,
// next_batch, prev_batch).

import { admin, segment } from "./api.js";
import { count, el, link, pager, table, yesNo } from "./dom.js";
import { go, load } from "./shell.js";

const PAGE_SIZE = 50;

const ORDERS = [
  ["name", "Name"], ["joined_members", "Members"], ["joined_local_members", "Local members"],
  ["canonical_alias", "Alias"], ["creator", "Creator"], ["version", "Version"], ["state_events", "State events"],
  ["public", "Public"], ["encryption", "Encryption"], ["join_rules", "Join rule"],
];

function route(params) {
  const query = new URLSearchParams(params).toString();
  return query ? `/rooms?${query}` : "/rooms";
}

/** What a room is called on the page: its name, else its alias, else its ID. */
export const roomLabel = (room) => room.name || room.canonical_alias || room.room_id;

export async function showRooms(view, params) {
  const searchTerm = params.get("search_term") ?? "";
  const orderBy = ORDERS.some(([value]) => value === params.get("order_by")) ? params.get("order_by") : "name";
  const backwards = params.get("dir") === "b";
  const from = Number.parseInt(params.get("from") ?? "0", 10) || 0;
  const current = { search_term: searchTerm, order_by: orderBy, dir: backwards ? "b" : "f" };

  const order = el("select", { name: "order_by", testid: "room-order" },
    ORDERS.map(([value, label]) => el("option", { value, selected: value === orderBy }, label)));
  const search = el("form", { className: "filters", testid: "room-search", role: "search" },
    el("label", {}, "Search ",
      el("input", { name: "search_term", type: "search", value: searchTerm, testid: "room-search-term" })),
    el("label", {}, "Order ", order),
    el("label", { className: "check" },
      el("input", { name: "backwards", type: "checkbox", checked: backwards, testid: "room-backwards" }), "Reverse"),
    el("button", { type: "submit", testid: "room-search-submit" }, "Search"));
  search.addEventListener("submit", (event) => {
    event.preventDefault();
    go(route({
      search_term: search.elements.search_term.value.trim(),
      order_by: order.value,
      dir: search.elements.backwards.checked ? "b" : "f",
    }));
  });

  const results = el("div", { testid: "room-results" }, el("p", { className: "muted" }, "Loading…"));
  view.replaceChildren(el("h2", {}, "Rooms"), search, results);

  await load(results, async () => {
    const answer = await admin("GET", "/v1/rooms", {
      query: { from, limit: PAGE_SIZE, search_term: searchTerm, order_by: orderBy, dir: current.dir },
    });
    const rooms = answer.rooms ?? [];
    const next = answer.next_batch === undefined ? null : String(answer.next_batch);
    const previous = answer.prev_batch === undefined || from === 0 ? null : String(answer.prev_batch);
    results.replaceChildren(
      el("p", { className: "muted", testid: "room-total" }, count(answer.total_rooms ?? rooms.length, "room")),
      rooms.length === 0 ? el("p", {}, "No rooms match.") : table([
        { title: "Room", cell: (room) => link(`/rooms/${segment(room.room_id)}`, roomLabel(room), "room-link") },
        { title: "Alias", cell: (room) => room.canonical_alias ?? "" },
        { title: "Members", cell: (room) => String(room.joined_members ?? 0) },
        { title: "Local", cell: (room) => String(room.joined_local_members ?? 0) },
        { title: "Public", cell: (room) => yesNo(room.public) },
        { title: "Encrypted", cell: (room) => (room.encryption ? "yes" : "no") },
        { title: "Creator", cell: (room) => room.creator ?? "" },
      ], rooms, "room-row"),
      pager(previous, next, (target) => go(route({ ...current, from: target }))));
  }, "room-error");
}
