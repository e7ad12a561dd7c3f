// An encrypted conversation between two matrix-js-sdk clients with Rust crypto (wasm, keys in memory) that sync with
// simplified sliding sync (MSC4186) only: room keys travel in the to_device extension, device list changes and
// one-time key counts in the e2ee extension.
// Usage: node e2ee-sliding.mjs <baseUrl>   (registration must be open)
import * as sdk from "matrix-js-sdk";
import { SlidingSync } from "matrix-js-sdk/lib/sliding-sync.js";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/index.js";

Promise.withResolvers ??= function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
};

const baseUrl = process.argv[2];
const verbose = process.env.E2EE_VERBOSE === "1";
if (!verbose) sdkLogger.setLevel("error");
const quiet = {
    debug: verbose ? console.debug : () => {}, info: verbose ? console.info : () => {}, log: verbose ? console.log : () => {},
    warn: verbose ? console.warn : () => {}, error: console.error, trace() {}, getChild() { return quiet; },
};
const timeout = setTimeout(() => { console.error("timed out"); process.exit(1); }, 150_000);

async function cryptoClient(name) {
    const anonymous = sdk.createClient({ baseUrl, logger: quiet });
    const session = await anonymous.registerRequest({ username: name, password: "e2ee sliding", auth: { type: "m.login.dummy" } });
    const client = sdk.createClient({
        baseUrl, logger: quiet, accessToken: session.access_token, userId: session.user_id, deviceId: session.device_id,
    });
    await client.initRustCrypto({ useIndexedDB: false });
    return client;
}

async function startSliding(client) {
    const lists = new Map([["all", { ranges: [[0, 19]], timeline_limit: 10, required_state: [["*", "*"]] }]]);
    const slidingSync = new SlidingSync(baseUrl, lists, { timeline_limit: 10, required_state: [["*", "*"]] }, client, 10_000);
    const ready = new Promise((resolve, reject) => {
        client.on(sdk.ClientEvent.Sync, (state, _prev, data) => {
            if (state === "PREPARED") resolve();
            if (state === "ERROR") reject(data?.error ?? new Error("sync error"));
        });
    });
    await client.startClient({ slidingSync });
    await ready;
}

function decrypts(client, roomId, body) {
    return new Promise((resolve, reject) => {
        const check = (event) => {
            if (event.getRoomId() !== roomId || event.getWireType() !== "m.room.encrypted") return;
            if (event.isBeingDecrypted() || event.shouldAttemptDecryption()) return;
            if (event.isDecryptionFailure()) {
                if (verbose) console.log(`decryption failure ${event.decryptionFailureReason}; a key may still come`);
                return;
            }
            if (event.getContent().body === body) resolve();
        };
        client.on(sdk.MatrixEventEvent.Decrypted, check);
        client.on(sdk.RoomEvent.Timeline, check);
        setTimeout(() => reject(new Error(`"${body}" was not decrypted`)), 60_000).unref();
    });
}

/** Resolves once the client's crypto knows the user's device: its keys were uploaded and queried (after a device list
 * change the e2ee extension reported), so a room key shared now reaches it. */
async function knowsDevice(client, userId, deviceId) {
    const crypto = client.getCrypto();
    for (;;) {
        const updated = new Promise((resolve) => client.once(CryptoEvent.DevicesUpdated, resolve));
        const devices = await crypto.getUserDeviceInfo([userId], true);
        if (devices.get(userId)?.has(deviceId)) return;
        await updated;
    }
}

const suffix = Date.now().toString(36);
const alice = await cryptoClient(`esalice${suffix}`);
const bob = await cryptoClient(`esbob${suffix}`);
const { room_id: roomId } = await alice.createRoom({
    name: "e2ee over sliding sync", invite: [bob.getUserId()],
    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
});
await bob.joinRoom(roomId);
await startSliding(alice);
await startSliding(bob);
console.log("both Rust-crypto clients synced over sliding sync");
await knowsDevice(alice, bob.getUserId(), bob.getDeviceId());
await knowsDevice(bob, alice.getUserId(), alice.getDeviceId());
console.log("each client knows the other's device");

const bobDecrypts = decrypts(bob, roomId, "secret over sliding sync");
await alice.sendMessage(roomId, { msgtype: "m.text", body: "secret over sliding sync" });
await bobDecrypts;
console.log("bob decrypted alice's message");
const aliceDecrypts = decrypts(alice, roomId, "secret reply");
await bob.sendMessage(roomId, { msgtype: "m.text", body: "secret reply" });
await aliceDecrypts;
console.log("alice decrypted bob's reply");
alice.stopClient();
bob.stopClient();
clearTimeout(timeout);
process.exit(0);
