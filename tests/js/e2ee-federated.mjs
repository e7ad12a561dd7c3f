// An encrypted conversation across servers with matrix-js-sdk's Rust crypto (the wasm build, keys in memory): alice on
// the first server, bob on the second (and carol on the third when given), each with cross-signing. Alice creates an
// encrypted room and invites the others, who join over federation; alice's message is decrypted by bob (and carol),
// bob's reply by alice (and carol). This takes /keys/query and /keys/claim answered by the other servers, olm and
// megolm keys as to-device messages crossing servers, and device list updates for users newly sharing a room.
// Usage: node e2ee-federated.mjs <baseUrl1> <baseUrl2> [<baseUrl3>]   (registration must be open on each)
import * as sdk from "matrix-js-sdk";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/index.js";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";

// matrix-js-sdk 43 uses Promise.withResolvers, which Node 20 (Debian's, this machine's) lacks.
Promise.withResolvers ??= function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
};

const baseUrls = process.argv.slice(2);
if (baseUrls.length < 2 || baseUrls.length > 3) {
    console.error("usage: node e2ee-federated.mjs <baseUrl1> <baseUrl2> [<baseUrl3>]");
    process.exit(2);
}

const verbose = process.env.E2EE_VERBOSE === "1";
if (!verbose) sdkLogger.setLevel("error");
const quiet = {
    debug: verbose ? console.debug : () => {}, info: verbose ? console.info : () => {}, log: verbose ? console.log : () => {},
    warn: verbose ? console.warn : () => {}, error: console.error, trace() {}, getChild() { return quiet; },
};
const password = "e2ee password";
const lastFailures = new Map();
const started = Date.now();
const progress = (text) => { if (verbose) console.log(`${Date.now() - started} ms: ${text}`); };
const timeout = setTimeout(() => {
    console.error(`timed out; last decryption failures: ${JSON.stringify([...lastFailures])}`);
    process.exit(1);
}, 100_000);

async function register(baseUrl, name) {
    const anonymous = sdk.createClient({ baseUrl, logger: quiet });
    const session = await anonymous.registerRequest({ username: name, password, auth: { type: "m.login.dummy" } });
    const client = sdk.createClient({
        baseUrl, logger: quiet, accessToken: session.access_token, userId: session.user_id, deviceId: session.device_id,
    });
    await client.initRustCrypto({ useIndexedDB: false });
    await client.getCrypto().bootstrapCrossSigning({
        authUploadDeviceSigningKeys: async (makeRequest) => makeRequest({
            type: "m.login.password", identifier: { type: "m.id.user", user: session.user_id }, password,
        }),
    });
    return client;
}

function prepared(client) {
    return new Promise((resolve, reject) => {
        client.on(sdk.ClientEvent.Sync, (state, _prev, data) => {
            if (state === "PREPARED") resolve();
            if (state === "ERROR") reject(data?.error ?? new Error("sync error"));
        });
    });
}

/** Resolves with the room once the client's copy of it has the user with the given membership. */
function membership(client, roomId, userId, wanted) {
    return new Promise((resolve) => {
        const check = () => {
            const room = client.getRoom(roomId);
            if (room?.getMember(userId)?.membership !== wanted) return false;
            client.off(sdk.RoomStateEvent.Members, check);
            client.off(sdk.ClientEvent.Room, check);
            resolve(room);
            return true;
        };
        client.on(sdk.RoomStateEvent.Members, check);
        client.on(sdk.ClientEvent.Room, check);
        check();
    });
}

/**
 * The decrypted body of the event once the client's timeline shows it decrypted. A failure is not final: the room key
 * may come (as a to-device message) after the event, and the client decrypts again when it does.
 */
function decrypts(client, eventId) {
    const { promise, resolve } = Promise.withResolvers();
    const check = (event) => {
        if (event.getId() !== eventId || event.isBeingDecrypted() || event.shouldAttemptDecryption()) return;
        if (event.isDecryptionFailure()) {
            lastFailures.set(`${client.getUserId()} ${eventId}`, event.decryptionFailureReason);
            return;
        }
        client.off(sdk.MatrixEventEvent.Decrypted, check);
        client.off(sdk.RoomEvent.Timeline, check);
        resolve(event.getContent().body);
    };
    client.on(sdk.MatrixEventEvent.Decrypted, check);
    client.on(sdk.RoomEvent.Timeline, check);
    return promise;
}

/** Sends an encrypted message and checks that every reader decrypts it. */
async function converse(sender, readers, roomId, body) {
    const pending = new Map();
    const { event_id: eventId } = await sender.sendMessage(roomId, { msgtype: "m.text", body });
    for (const reader of readers) pending.set(reader, decrypts(reader, eventId));
    for (const [reader, decrypted] of pending) {
        const text = await decrypted;
        if (text !== body) throw new Error(`${reader.getUserId()} decrypted "${text}" instead of "${body}"`);
        console.log(`${reader.getUserId()} decrypted ${sender.getUserId()}'s message`);
    }
}

const suffix = Date.now().toString(36);
const names = ["alice", "bob", "carol"];
const clients = await Promise.all(baseUrls.map((url, i) => register(url, `f${names[i]}${suffix}`)));
const [alice, ...others] = clients;
const bob = others[0];
console.log(`registered ${clients.map((c) => `${c.getUserId()} (${c.getDeviceId()})`).join(", ")} with cross-signing`);

const { room_id: roomId } = await alice.createRoom({
    name: "federated e2ee", invite: others.map((c) => c.getUserId()),
    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
});
const ready = clients.map(prepared);
for (const client of clients) await client.startClient({ initialSyncLimit: 10 });
await Promise.all(ready);
for (const other of others) {
    await membership(other, roomId, other.getUserId(), "invite");
    progress(`${other.getUserId()} was invited`);
    await other.joinRoom(roomId);
    progress(`${other.getUserId()} joined`);
}
// Each sender encrypts for the members its client knows: wait until every client has seen every join.
for (const client of clients) {
    for (const member of clients) await membership(client, roomId, member.getUserId(), "join");
    progress(`${client.getUserId()} sees every member joined`);
}
console.log(`${others.map((c) => c.getUserId()).join(" and ")} joined ${roomId} over federation`);

// Remote /keys/query: each client sees the others' devices and cross-signing keys through its own server.
for (const client of clients) {
    for (const other of clients.filter((c) => c !== client)) {
        const devices = await client.getCrypto().getUserDeviceInfo([other.getUserId()], true);
        if (!devices.get(other.getUserId())?.has(other.getDeviceId())) {
            throw new Error(`${client.getUserId()} does not see ${other.getUserId()}'s device ${other.getDeviceId()}`);
        }
        if (!(await client.getCrypto().userHasCrossSigningKeys(other.getUserId(), true))) {
            throw new Error(`${client.getUserId()} does not see ${other.getUserId()}'s cross-signing keys`);
        }
    }
}
console.log("every user sees the others' devices and cross-signing keys");

await converse(alice, others, roomId, "secret from alice");
await converse(bob, clients.filter((c) => c !== bob), roomId, "secret reply from bob");

for (const client of clients) client.stopClient();
clearTimeout(timeout);
process.exit(0);
