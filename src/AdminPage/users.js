// The user list: GET /_synapse/admin/v2/users with Synapse's paging (from, limit, next_token), a search by name
// (user ID or display name), and whether guests and deactivated accounts are shown.

import { admin, segment } from "./api.js";
import { count, el, link, pager, table, time, yesNo } from "./dom.js";
import { go, load } from "./shell.js";

const PAGE_SIZE = 50;

/** The route of the list with these parameters (search and paging live in the URL, so Back works). */
function route(params) {
  const query = new URLSearchParams(params).toString();
  return query ? `/users?${query}` : "/users";
}

export async function showUsers(view, params) {
  const name = params.get("name") ?? "";
  const guests = params.get("guests") !== "0";
  const deactivated = params.get("deactivated") === "1";
  const from = Number.parseInt(params.get("from") ?? "0", 10) || 0;
  const current = { name, guests: guests ? "1" : "0", deactivated: deactivated ? "1" : "0" };

  const search = el("form", { className: "filters", testid: "user-search", role: "search" },
    el("label", {}, "Name ", el("input", { name: "name", type: "search", value: name, testid: "user-search-name" })),
    el("label", { className: "check" },
      el("input", { name: "guests", type: "checkbox", checked: guests, testid: "user-search-guests" }), "Guests"),
    el("label", { className: "check" },
      el("input", { name: "deactivated", type: "checkbox", checked: deactivated, testid: "user-search-deactivated" }),
      "Deactivated"),
    el("button", { type: "submit", testid: "user-search-submit" }, "Search"));
  search.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = search.elements;
    go(route({
      name: form.name.value.trim(),
      guests: form.guests.checked ? "1" : "0",
      deactivated: form.deactivated.checked ? "1" : "0",
    }));
  });

  const results = el("div", { testid: "user-results" }, el("p", { className: "muted" }, "Loading…"));
  view.replaceChildren(el("h2", {}, "Users"), search, results);

  await load(results, async () => {
    const answer = await admin("GET", "/v2/users", {
      query: { from, limit: PAGE_SIZE, name, guests: String(guests), deactivated: String(deactivated) },
    });
    const users = answer.users ?? [];
    const next = answer.next_token === undefined ? null : answer.next_token;
    const previous = from > 0 ? String(Math.max(0, from - PAGE_SIZE)) : null;
    results.replaceChildren(
      el("p", { className: "muted", testid: "user-total" }, count(answer.total ?? users.length, "user")),
      users.length === 0 ? el("p", {}, "No users match.") : table([
        { title: "User", cell: (user) => link(`/users/${segment(user.name)}`, user.name, "user-link") },
        { title: "Display name", cell: (user) => user.displayname ?? "" },
        { title: "Admin", cell: (user) => yesNo(user.admin) },
        { title: "Guest", cell: (user) => yesNo(user.is_guest) },
        { title: "Deactivated", cell: (user) => el("span", { testid: "user-deactivated" }, yesNo(user.deactivated)) },
        { title: "Created", cell: (user) => time(user.creation_ts) },
      ], users, "user-row"),
      pager(previous, next, (target) => go(route({ ...current, from: target }))));
  }, "user-error");
}
