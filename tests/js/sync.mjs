// Two matrix-js-sdk clients with startClient (filters, /sync long-polling): each sees the other's messages, typing
// and read receipts live.
// Usage: node sync.mjs <baseUrl>   (registration must be open)
import * as sdk from "matrix-js-sdk";

Promise.withResolvers ??= function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
};

const baseUrl = process.argv[2];
const quiet = { debug() {}, info() {}, log() {}, warn() {}, error: console.error, trace() {}, getChild() { return quiet; } };

async function register(name) {
    const anonymous = sdk.createClient({ baseUrl, logger: quiet });
    const r = await anonymous.registerRequest({ username: name, password: "sync password", auth: { type: "m.login.dummy" } });
    return sdk.createClient({ baseUrl, logger: quiet, accessToken: r.access_token, userId: r.user_id, deviceId: r.device_id });
}

function prepared(client) {
    return new Promise((resolve, reject) => {
        client.on(sdk.ClientEvent.Sync, (state, _prev, data) => {
            if (state === "PREPARED") resolve();
            if (state === "ERROR") reject(data?.error ?? new Error("sync error"));
        });
    });
}

function sees(client, roomId, body) {
    return new Promise((resolve) => {
        client.on(sdk.RoomEvent.Timeline, (event, room) => {
            if (room?.roomId === roomId && event.getType() === "m.room.message" && event.getContent().body === body) resolve(event);
        });
    });
}

function seesTyping(client, roomId, userId, typing) {
    return new Promise((resolve) => {
        client.on(sdk.RoomMemberEvent.Typing, (_event, member) => {
            if (member.roomId === roomId && member.userId === userId && member.typing === typing) resolve();
        });
    });
}

function seesReceipt(client, roomId, userId, eventId) {
    return new Promise((resolve) => {
        client.on(sdk.RoomEvent.Receipt, (_event, room) => {
            if (room.roomId === roomId && room.getReadReceiptForUserId(userId, true)?.eventId === eventId) resolve();
        });
    });
}

const timeout = setTimeout(() => { console.error("timed out"); process.exit(1); }, 60_000);
const suffix = Date.now().toString(36);
const alice = await register(`salice${suffix}`);
const bob = await register(`sbob${suffix}`);
const { room_id: roomId } = await alice.createRoom({ name: "js-sdk sync", preset: "public_chat" });
await bob.joinRoom(roomId);
const ready = [prepared(alice), prepared(bob)];
await alice.startClient({ initialSyncLimit: 10, lazyLoadMembers: true });
await bob.startClient({ initialSyncLimit: 10, lazyLoadMembers: true });
await Promise.all(ready);
console.log("both clients prepared");
const bobSees = sees(bob, roomId, "hi bob");
await alice.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "hi bob" });
await bobSees;
console.log("bob saw alice's message live");
const aliceSees = sees(alice, roomId, "hi alice");
await bob.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "hi alice" });
await aliceSees;
console.log("alice saw bob's message live");
const bobSeesTyping = seesTyping(bob, roomId, alice.getUserId(), true);
await alice.sendTyping(roomId, true, 30_000);
await bobSeesTyping;
console.log("bob saw alice typing");
const bobSeesTypingStop = seesTyping(bob, roomId, alice.getUserId(), false);
await alice.sendTyping(roomId, false);
await bobSeesTypingStop;
console.log("bob saw alice stop typing");
const bobSeesReadThis = sees(bob, roomId, "read this");
const { event_id: readThisId } = await alice.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "read this" });
const aliceSeesReceipt = seesReceipt(alice, roomId, bob.getUserId(), readThisId);
await bob.sendReadReceipt(await bobSeesReadThis);
await aliceSeesReceipt;
console.log("alice saw bob's read receipt");
alice.stopClient();
bob.stopClient();
clearTimeout(timeout);
process.exit(0);
