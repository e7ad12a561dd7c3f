// Two matrix-js-sdk clients chat as users would: register, create a room, invite, join, talk, then one
// pages back through 1,000 messages with /messages.
// Usage: node chat.mjs <baseUrl>   (registration must be open)
import * as sdk from "matrix-js-sdk";

// matrix-js-sdk 43 uses Promise.withResolvers, which Node 20 (Debian's, this machine's) lacks.
Promise.withResolvers ??= function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
};

const baseUrl = process.argv[2];
if (!baseUrl) {
    console.error("usage: node chat.mjs <baseUrl>");
    process.exit(2);
}

const quiet = { debug() {}, info() {}, log() {}, warn: console.warn, error: console.error, trace() {}, getChild() { return quiet; } };

async function register(name) {
    const anonymous = sdk.createClient({ baseUrl, logger: quiet });
    const response = await anonymous.registerRequest({
        username: name,
        password: "chat password",
        auth: { type: "m.login.dummy" },
    });
    return sdk.createClient({
        baseUrl, logger: quiet, accessToken: response.access_token, userId: response.user_id, deviceId: response.device_id,
    });
}

const suffix = Date.now().toString(36);
const alice = await register(`alice${suffix}`);
const bob = await register(`bob${suffix}`);

const { room_id: roomId } = await alice.createRoom({ name: "js-sdk chat", invite: [bob.getUserId()] });
console.log(`alice created ${roomId} and invited bob`);
await bob.joinRoom(roomId);
console.log("bob joined");

await alice.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "hello bob" });
await bob.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "hello alice" });
const total = 1000;
for (let i = 0; i < total; i++) {
    await alice.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: `message ${i}` });
}
console.log(`alice sent ${total} more messages`);

const started = performance.now();
let from = null;
const seen = [];
for (;;) {
    const page = await bob.createMessagesRequest(roomId, from, 100, sdk.Direction.Backward);
    seen.push(...page.chunk.filter((e) => e.type === "m.room.message").map((e) => e.content.body));
    if (!page.end || page.chunk.length === 0) break;
    from = page.end;
}
const elapsed = performance.now() - started;

const expected = ["hello bob", "hello alice", ...Array.from({ length: total }, (_, i) => `message ${i}`)].reverse();
if (JSON.stringify(seen) !== JSON.stringify(expected)) {
    throw new Error(`bob paged back ${seen.length} messages, not the ${expected.length} sent, in order`);
}
console.log(`bob paged back all ${seen.length} messages in order in ${elapsed.toFixed(0)} ms`);
