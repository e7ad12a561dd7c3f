// Sync, receipts, typing, read markers and presence, from the spec's Syncing, Filtering, Receipts, Typing
// Notifications, Fully read markers and Presence sections: what one user does, the other sees in /sync.
import { cs, e } from "../lib/client.mjs";

export const name = "sync";

export async function run(ctx) {
    const alice = await ctx.register("sync_alice");
    const bob = await ctx.register("sync_bob");
    const roomId = (await alice.post(cs("/createRoom"), { preset: "public_chat", name: "Sync room" })).body.room_id;
    const room = e(roomId);
    await bob.post(cs(`/join/${room}`), {});
    await alice.put(cs(`/user/${e(alice.userId)}/account_data/org.example.sync`), { a: 1 });

    // Filters: uploaded and read back, then used; and inline.
    const filter = { room: { timeline: { limit: 10 }, state: { lazy_load_members: true } }, presence: { types: ["m.presence"] } };
    const uploaded = await bob.post(cs(`/user/${e(bob.userId)}/filter`), filter);
    await bob.get(cs(`/user/${e(bob.userId)}/filter/${e(uploaded.body.filter_id)}`));
    await bob.get(cs(`/user/${e(bob.userId)}/filter/99999999`), { expect: 404 });

    const initial = await bob.get(cs("/sync"), { query: { filter: uploaded.body.filter_id } });
    ctx.expect(initial.body?.rooms?.join?.[roomId], "the initial sync has the joined room");
    await alice.get(cs("/sync"), { query: { filter: { room: { timeline: { limit: 5 } } }, full_state: "true", set_presence: "online" } });

    // Messages, receipts, read markers, typing, presence: each shows in bob's incremental sync.
    const sent = await alice.put(cs(`/rooms/${room}/send/m.room.message/sync${Date.now()}`), { msgtype: "m.text", body: "for sync" });
    const message = await ctx.eventually(async () => {
        const next = await bob.get(cs("/sync"), { query: { since: initial.body.next_batch, timeout: "1000", filter: uploaded.body.filter_id } });
        return next.body?.rooms?.join?.[roomId]?.timeline?.events?.some((x) => x.event_id === sent.body.event_id) && next;
    });
    ctx.expect(message, "bob's incremental sync has alice's message");
    const since = message?.body?.next_batch ?? initial.body.next_batch;

    await bob.post(cs(`/rooms/${room}/receipt/m.read/${e(sent.body.event_id)}`), { thread_id: "main" });
    await bob.post(cs(`/rooms/${room}/receipt/m.read.private/${e(sent.body.event_id)}`), {});
    await bob.post(cs(`/rooms/${room}/read_markers`), { "m.fully_read": sent.body.event_id, "m.read": sent.body.event_id });
    await alice.put(cs(`/rooms/${room}/typing/${e(alice.userId)}`), { typing: true, timeout: 10000 });
    await alice.put(cs(`/presence/${e(alice.userId)}/status`), { presence: "online", status_msg: "checking the spec" });
    const presence = await bob.get(cs(`/presence/${e(alice.userId)}/status`));
    ctx.expect(presence.body?.presence === "online", "bob sees alice online");

    const seen = await ctx.eventually(async () => {
        const next = await bob.get(cs("/sync"), { query: { since, timeout: "500" } });
        const joined = next.body?.rooms?.join?.[roomId];
        return joined?.ephemeral?.events?.some((x) => x.type === "m.typing") && next;
    });
    ctx.expect(seen, "bob's sync shows alice typing");
    const aliceSync = await alice.get(cs("/sync"), { query: { since: initial.body.next_batch, timeout: "0" } });
    ctx.expect(aliceSync.status === 200, "alice's incremental sync");
    await alice.put(cs(`/rooms/${room}/typing/${e(alice.userId)}`), { typing: false });

    // Leaving shows up in rooms.leave; an invite in rooms.invite.
    const other = (await alice.post(cs("/createRoom"), { preset: "private_chat", invite: [bob.userId] })).body.room_id;
    const before = (await bob.get(cs("/sync"), { query: { timeout: "0" } })).body;
    ctx.expect(before?.rooms?.invite?.[other], "bob's sync has the invite");
    await bob.post(cs(`/rooms/${room}/leave`), {});
    const leave = await ctx.eventually(async () => {
        const next = await bob.get(cs("/sync"), { query: { since: before.next_batch, timeout: "500", filter: { room: { include_leave: true } } } });
        return next.body?.rooms?.leave?.[roomId] && next;
    });
    ctx.expect(leave, "bob's sync has the room he left in rooms.leave");
}
