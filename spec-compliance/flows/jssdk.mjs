// A real client's behaviour: matrix-js-sdk (Element's engine) logs in, starts its sync loop (filter upload,
// initial and incremental /sync, push rules, capabilities, versions...), creates a room, and two clients see each
// other's messages live. Its traffic is checked against the spec like the raw client's.
import { password } from "../lib/context.mjs";

export const name = "matrix-js-sdk";

export async function run(ctx) {
    // Parts of the SDK log through the console directly, whatever its logger says; the runner's report does not.
    const saved = { log: console.log, info: console.info, debug: console.debug };
    Object.assign(console, { log() {}, info() {}, debug() {} });
    try {
        await drive(ctx);
    } finally {
        Object.assign(console, saved);
    }
}

async function drive(ctx) {
    const aliceRaw = await ctx.register("sdk_alice");
    const bobRaw = await ctx.register("sdk_bob");
    const anonymous = await ctx.sdkClient();
    await anonymous.loginFlows();
    const login = await anonymous.loginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: aliceRaw.userId }, password });
    const alice = await ctx.sdkClient({ accessToken: login.access_token, userId: login.user_id, deviceId: login.device_id });
    const bob = await ctx.sdkClient(bobRaw);

    const prepared = (client) => new Promise((resolve) => client.once("sync", (state) => resolve(state)));
    const alicePrepared = prepared(alice);
    const bobPrepared = prepared(bob);
    alice.startClient({ initialSyncLimit: 10, lazyLoadMembers: true });
    bob.startClient({ initialSyncLimit: 10 });
    try {
        ctx.expect(await withTimeout(alicePrepared, 10000) === "PREPARED", "alice's client is prepared");
        ctx.expect(await withTimeout(bobPrepared, 10000) === "PREPARED", "bob's client is prepared");

        const { room_id: roomId } = await alice.createRoom({ name: "js-sdk room", invite: [bob.getUserId()] });
        const invited = await ctx.eventually(() => bob.getRoom(roomId)?.getMyMembership() === "invite", 10000);
        ctx.expect(invited, "bob's client sees the invite");
        await bob.joinRoom(roomId);

        const seen = new Promise((resolve) => bob.on("Room.timeline", (event) => {
            if (event.getRoomId() === roomId && event.getContent()?.body === "from alice") resolve(true);
        }));
        await alice.sendTextMessage(roomId, "from alice");
        ctx.expect(await withTimeout(seen, 10000), "bob's client sees alice's message live");
        await bob.sendReadReceipt(bob.getRoom(roomId).getLiveTimeline().getEvents().at(-1));
        await alice.sendTyping(roomId, true, 5000);
        await alice.setDisplayName("Alice via js-sdk");
        await alice.scrollback(alice.getRoom(roomId), 20);
    } finally {
        alice.stopClient();
        bob.stopClient();
    }
}

function withTimeout(promise, ms) {
    return Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(undefined), ms))]);
}
