// matrix-js-sdk's SlidingSync (simplified sliding sync, MSC4186) against a fresh server: alice's room list arrives
// sorted by recent activity, a subscribed room brings its timeline and required state, and bob's message arrives live.
// Usage: node sliding-sync.mjs <baseUrl>   (registration must be open)
import * as sdk from "matrix-js-sdk";
import { SlidingSync, SlidingSyncState } from "matrix-js-sdk/lib/sliding-sync.js";

Promise.withResolvers ??= function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
};

const baseUrl = process.argv[2];
const quiet = { debug() {}, info() {}, log() {}, warn() {}, error: console.error, trace() {}, getChild() { return quiet; } };

async function register(name) {
    const anonymous = sdk.createClient({ baseUrl, logger: quiet });
    const r = await anonymous.registerRequest({ username: name, password: "sliding password", auth: { type: "m.login.dummy" } });
    return sdk.createClient({ baseUrl, logger: quiet, accessToken: r.access_token, userId: r.user_id, deviceId: r.device_id });
}

function fail(message) {
    console.error(message);
    process.exit(1);
}

const timeout = setTimeout(() => fail("timed out"), 60_000);
const suffix = Date.now().toString(36);
const alice = await register(`ssalice${suffix}`);
const bob = await register(`ssbob${suffix}`);
const { room_id: oldest } = await alice.createRoom({ name: "oldest" });
const { room_id: shared } = await alice.createRoom({ name: "shared", preset: "public_chat" });
await bob.joinRoom(shared);
for (let i = 1; i <= 5; i++) {
    await alice.sendEvent(shared, "m.room.message", { msgtype: "m.text", body: `history ${i}` });
}
const { room_id: middle } = await alice.createRoom({ name: "middle" });
await alice.sendEvent(middle, "m.room.message", { msgtype: "m.text", body: "middle is newer" });
await alice.sendEvent(oldest, "m.room.message", { msgtype: "m.text", body: "now oldest is the newest" });

const lists = new Map([["all", {
    ranges: [[0, 9]],
    timeline_limit: 1,
    required_state: [["m.room.name", ""], ["m.room.member", "$ME"]],
}]]);
const slidingSync = new SlidingSync(baseUrl, lists, { timeline_limit: 10, required_state: [["*", "*"]] }, alice, 10_000);
const first = Promise.withResolvers();
slidingSync.on(sdk.SlidingSyncEvent.Lifecycle, (state, resp, err) => {
    if (err) console.error("sliding sync error", err);
    if (state === SlidingSyncState.Complete && resp) first.resolve(resp);
});
const prepared = new Promise((resolve, reject) => {
    alice.on(sdk.ClientEvent.Sync, (state, _prev, data) => {
        if (state === "PREPARED") resolve();
        if (state === "ERROR") reject(data?.error ?? new Error("sync error"));
    });
});
await alice.startClient({ slidingSync });
const response = await first.promise;
await prepared;

const order = Object.entries(response.rooms).sort((a, b) => b[1].bump_stamp - a[1].bump_stamp).map(([id]) => id);
if (JSON.stringify(order) !== JSON.stringify([oldest, middle, shared])) fail(`room list order ${JSON.stringify(order)}`);
if (slidingSync.getListData("all")?.joinedCount !== 3) fail(`list count ${slidingSync.getListData("all")?.joinedCount}`);
if (alice.getRoom(middle)?.name !== "middle") fail(`room name ${alice.getRoom(middle)?.name}`);
console.log("alice got her room list sorted by activity");

const subscribed = Promise.withResolvers();
slidingSync.on(sdk.SlidingSyncEvent.RoomData, (roomId, data) => {
    if (roomId === shared && (data.timeline?.length ?? 0) > 1) subscribed.resolve(data);
});
slidingSync.modifyRoomSubscriptions(new Set([shared]));
const data = await subscribed.promise;
const bodies = data.timeline.filter((e) => e.type === "m.room.message").map((e) => e.content.body);
if (!["history 1", "history 5"].every((b) => bodies.includes(b))) fail(`subscribed timeline ${JSON.stringify(bodies)}`);
const room = alice.getRoom(shared);
if (!room?.currentState.getStateEvents("m.room.create", "")) fail("no m.room.create in the subscribed room's state");
if (!room?.currentState.getStateEvents("m.room.member", bob.getUserId())) fail("no member event of bob");
console.log("alice got the subscribed room's timeline and required state");

const live = new Promise((resolve) => {
    alice.on(sdk.RoomEvent.Timeline, (event, r) => {
        if (r?.roomId === shared && event.getType() === "m.room.message" && event.getContent().body === "live from bob") resolve();
    });
});
await bob.sendEvent(shared, "m.room.message", { msgtype: "m.text", body: "live from bob" });
await live;
console.log("alice saw bob's message live");
alice.stopClient();
clearTimeout(timeout);
process.exit(0);
