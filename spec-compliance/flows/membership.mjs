// Membership and the directory, from the spec's Room membership, Room aliases, Room directory and Spaces sections:
// invite, join (by ID and alias), leave, forget, kick, ban, unban, knock; aliases; visibility; publicRooms; hierarchy.
import { cs, e } from "../lib/client.mjs";

export const name = "membership";

export async function run(ctx) {
    const alice = await ctx.register("member_alice");
    const bob = await ctx.register("member_bob");
    const carol = await ctx.register("member_carol");

    // Invite, join, leave, forget.
    const privateRoom = (await alice.post(cs("/createRoom"), { preset: "private_chat", name: "Members" })).body.room_id;
    const room = e(privateRoom);
    const denied = await bob.post(cs(`/rooms/${room}/join`), {}, { expect: 403 });
    ctx.expect(denied.body?.errcode === "M_FORBIDDEN", "joining an invite-only room uninvited is M_FORBIDDEN");
    await alice.post(cs(`/rooms/${room}/invite`), { user_id: bob.userId, reason: "welcome" });
    await bob.post(cs(`/rooms/${room}/join`), {});
    await bob.post(cs(`/rooms/${room}/leave`), { reason: "bye" });
    await bob.post(cs(`/rooms/${room}/forget`), {});

    // Kick, ban, unban.
    await alice.post(cs(`/rooms/${room}/invite`), { user_id: carol.userId });
    await carol.post(cs(`/join/${room}`), {});
    await alice.post(cs(`/rooms/${room}/kick`), { user_id: carol.userId, reason: "spec check" });
    await alice.post(cs(`/rooms/${room}/ban`), { user_id: carol.userId, reason: "spec check" });
    const banned = await carol.post(cs(`/join/${room}`), {}, { expect: 403 });
    ctx.expect(banned.body?.errcode === "M_FORBIDDEN", "a banned user cannot join");
    await alice.post(cs(`/rooms/${room}/unban`), { user_id: carol.userId });
    await bob.post(cs(`/rooms/${room}/kick`), { user_id: alice.userId }, { expect: 403 });

    // Knock.
    const knockRoom = (await alice.post(cs("/createRoom"), { preset: "private_chat", room_version: "10", initial_state: [{ type: "m.room.join_rules", state_key: "", content: { join_rule: "knock" } }] })).body.room_id;
    await bob.post(cs(`/knock/${e(knockRoom)}`), { reason: "let me in" });
    await alice.post(cs(`/rooms/${e(knockRoom)}/invite`), { user_id: bob.userId });
    await bob.post(cs(`/rooms/${e(knockRoom)}/join`), {});

    // Aliases and the room directory.
    const publicRoom = (await alice.post(cs("/createRoom"), { preset: "public_chat", name: "Directory room", topic: "listed", visibility: "public" })).body.room_id;
    const alias = `#${ctx.uniqueName("alias")}:${ctx.serverName}`;
    await alice.put(cs(`/directory/room/${e(alias)}`), { room_id: publicRoom });
    await alice.put(cs(`/directory/room/${e(alias)}`), { room_id: publicRoom }, { expect: 409 });
    const resolved = await bob.get(cs(`/directory/room/${e(alias)}`));
    ctx.expect(resolved.body?.room_id === publicRoom, "the alias resolves to the room");
    await bob.post(cs(`/join/${e(alias)}`), {});
    await alice.get(cs(`/rooms/${e(publicRoom)}/aliases`));
    await alice.put(cs(`/rooms/${e(publicRoom)}/state/m.room.canonical_alias/`), { alias });
    await alice.delete(cs(`/directory/room/${e(alias)}`));
    await bob.get(cs(`/directory/room/${e(alias)}`), { expect: 404 });

    const visibility = await alice.get(cs(`/directory/list/room/${e(publicRoom)}`));
    ctx.expect(visibility.body?.visibility === "public", "the room is in the directory");
    await alice.put(cs(`/directory/list/room/${e(privateRoom)}`), { visibility: "private" });
    const list = await ctx.anonymous.get(cs("/publicRooms"), { query: { limit: "1" }, expect: [200, 401] });
    const listed = await bob.post(cs("/publicRooms"), { limit: 10, filter: { generic_search_term: "Directory" } });
    ctx.expect(listed.body?.chunk?.some((r) => r.room_id === publicRoom), "publicRooms finds the room by name");
    if (list.body?.next_batch) await bob.get(cs("/publicRooms"), { query: { limit: "1", since: list.body.next_batch } });

    // A space with a child: the hierarchy.
    const space = (await alice.post(cs("/createRoom"), { preset: "public_chat", name: "Space", creation_content: { type: "m.space" } })).body.room_id;
    await alice.put(cs(`/rooms/${e(space)}/state/m.space.child/${e(publicRoom)}`), { via: [ctx.serverName], suggested: true });
    await alice.put(cs(`/rooms/${e(publicRoom)}/state/m.space.parent/${e(space)}`), { via: [ctx.serverName], canonical: true });
    const hierarchy = await alice.get(cs(`/rooms/${e(space)}/hierarchy`, "v1"), { query: { limit: "1" } });
    ctx.expect(hierarchy.body?.rooms?.[0]?.room_id === space, "the hierarchy starts at the space");
    if (hierarchy.body?.next_batch) await alice.get(cs(`/rooms/${e(space)}/hierarchy`, "v1"), { query: { from: hierarchy.body.next_batch } });
}
