// Rooms, from the spec's Rooms, Room Events, Redactions, Reporting, Searching, Room Upgrades, Event Relationships,
// Threading and Timestamp sections: create, send, read back in every way, redact, relate, search, report, upgrade.
import { cs, e } from "../lib/client.mjs";

export const name = "rooms";
let txn = 0;
const nextTxn = () => `spec${Date.now()}_${++txn}`;

export async function run(ctx) {
    const alice = await ctx.register("rooms_alice");
    const bob = await ctx.register("rooms_bob");
    const alias = ctx.uniqueName("room");
    const created = await alice.post(cs("/createRoom"), {
        preset: "public_chat",
        name: "Spec room",
        topic: "Checked against the spec",
        room_alias_name: alias,
        invite: [bob.userId],
        initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "shared" } }],
        power_level_content_override: { events_default: 0 },
    });
    const roomId = created.body.room_id;
    const room = e(roomId);
    await bob.post(cs(`/join/${e(roomId)}`), {});

    // Messages and state.
    const first = await alice.put(cs(`/rooms/${room}/send/m.room.message/${nextTxn()}`), { msgtype: "m.text", body: "hello", format: "org.matrix.custom.html", formatted_body: "<b>hello</b>" });
    const eventId = first.body.event_id;
    const notice = await bob.put(cs(`/rooms/${room}/send/m.room.message/${nextTxn()}`), { msgtype: "m.notice", body: "notice searchword" });
    await alice.put(cs(`/rooms/${room}/send/m.room.message/${nextTxn()}`), { msgtype: "m.emote", body: "waves" });
    await alice.put(cs(`/rooms/${room}/send/org.example.custom/${nextTxn()}`), { anything: [1, 2, 3] });
    await alice.put(cs(`/rooms/${room}/state/m.room.topic/`), { topic: "A new topic" });
    await alice.put(cs(`/rooms/${room}/state/org.example.state/key1`), { value: 1 });

    const event = await alice.get(cs(`/rooms/${room}/event/${e(eventId)}`));
    ctx.expect(event.body?.content?.body === "hello", "/event returns the message");
    await alice.get(cs(`/rooms/${room}/event/${e("$doesnotexist")}`), { expect: 404 });
    const state = await alice.get(cs(`/rooms/${room}/state`));
    ctx.expect(state.body?.some?.((s) => s.type === "m.room.create"), "/state includes m.room.create");
    const topic = await alice.get(cs(`/rooms/${room}/state/m.room.topic/`));
    ctx.expect(topic.body?.topic === "A new topic", "the topic reads back");
    await alice.get(cs(`/rooms/${room}/state/m.room.name/`), { query: { format: "event" } });
    await alice.get(cs(`/rooms/${room}/state/m.room.member/${e(bob.userId)}`));
    await alice.get(cs(`/rooms/${room}/state/org.example.missing/`), { expect: 404 });
    await alice.get(cs(`/rooms/${room}/members`));
    await alice.get(cs(`/rooms/${room}/members`), { query: { membership: "join" } });
    const joinedMembers = await alice.get(cs(`/rooms/${room}/joined_members`));
    ctx.expect(Object.keys(joinedMembers.body?.joined ?? {}).length === 2, "two joined members");
    const joinedRooms = await bob.get(cs("/joined_rooms"));
    ctx.expect(joinedRooms.body?.joined_rooms?.includes(roomId), "/joined_rooms lists the room");

    // Pagination and context.
    const back = await alice.get(cs(`/rooms/${room}/messages`), { query: { dir: "b", limit: "3" } });
    ctx.expect(back.body?.chunk?.length === 3 && back.body?.end, "/messages backwards gives 3 events and an end token");
    await alice.get(cs(`/rooms/${room}/messages`), { query: { dir: "b", from: back.body.end, limit: "50", filter: { lazy_load_members: true } } });
    await alice.get(cs(`/rooms/${room}/messages`), { query: { dir: "f", limit: "5" } });
    const context = await alice.get(cs(`/rooms/${room}/context/${e(eventId)}`), { query: { limit: "4" } });
    ctx.expect(context.body?.event?.event_id === eventId, "/context centres on the event");
    await alice.get(cs(`/rooms/${room}/timestamp_to_event`, "v1"), { query: { ts: String(Date.now()), dir: "b" } });

    // Relations and threads.
    const reply = await bob.put(cs(`/rooms/${room}/send/m.room.message/${nextTxn()}`), {
        msgtype: "m.text", body: "in a thread", "m.relates_to": { rel_type: "m.thread", event_id: eventId, is_falling_back: true, "m.in_reply_to": { event_id: eventId } },
    });
    await bob.put(cs(`/rooms/${room}/send/m.reaction/${nextTxn()}`), { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key: "👍" } });
    await alice.put(cs(`/rooms/${room}/send/m.room.message/${nextTxn()}`), {
        msgtype: "m.text", body: "* hello again", "m.new_content": { msgtype: "m.text", body: "hello again" }, "m.relates_to": { rel_type: "m.replace", event_id: eventId },
    });
    const relations = await alice.get(cs(`/rooms/${room}/relations/${e(eventId)}`, "v1"));
    ctx.expect(relations.body?.chunk?.length >= 3, "three relations of the message");
    await alice.get(cs(`/rooms/${room}/relations/${e(eventId)}/m.thread`, "v1"), { query: { limit: "1" } });
    await alice.get(cs(`/rooms/${room}/relations/${e(eventId)}/m.annotation/m.reaction`, "v1"));
    const threads = await alice.get(cs(`/rooms/${room}/threads`, "v1"), { query: { include: "all" } });
    ctx.expect(threads.body?.chunk?.some((t) => t.event_id === eventId), "/threads lists the thread root");
    await alice.get(cs(`/rooms/${room}/event/${e(reply.body.event_id)}`));

    // Redaction: the event reads back redacted.
    await bob.put(cs(`/rooms/${room}/redact/${e(notice.body.event_id)}/${nextTxn()}`), { reason: "spec check" });
    const redacted = await alice.get(cs(`/rooms/${room}/event/${e(notice.body.event_id)}`));
    ctx.expect(redacted.body?.unsigned?.redacted_because && Object.keys(redacted.body?.content ?? {}).length === 0, "a redacted event has no content and says why");

    // Search (the notice was redacted: search a live word), reports, upgrade.
    const search = await alice.post(cs("/search"), { search_categories: { room_events: { search_term: "hello", event_context: { before_limit: 1, after_limit: 1, include_profile: true }, order_by: "recent" } } });
    ctx.expect(search.body?.search_categories?.room_events?.results?.length >= 1, "search finds the message");
    await alice.post(cs(`/rooms/${room}/report/${e(eventId)}`), { reason: "spec check", score: -100 });
    await alice.post(cs(`/rooms/${room}/report`), { reason: "spec check" });
    const upgraded = await alice.post(cs(`/rooms/${room}/upgrade`), { new_version: "11" });
    const tombstone = await alice.get(cs(`/rooms/${room}/state/m.room.tombstone/`));
    ctx.expect(tombstone.body?.replacement_room === upgraded.body?.replacement_room, "the tombstone points at the new room");
    await alice.get(cs(`/rooms/${e(upgraded.body.replacement_room)}/state`));

    // Errors the spec declares.
    await bob.post(cs("/createRoom"), { room_alias_name: alias }, { expect: 400 });
    await bob.put(cs(`/rooms/${room}/state/m.room.power_levels/`), { users: {} }, { expect: 403 });
}
