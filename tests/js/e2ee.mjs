// End-to-end encryption with matrix-js-sdk's Rust crypto (the wasm build, keys in memory), as Element uses it:
// alice and bob in an encrypted room (bob decrypts alice's message); alice's new device restores her key backup and
// decrypts the old message; bob's dehydrated device receives a message while his devices are offline, and a new bob
// device rehydrates it and decrypts that message.
// Usage: node e2ee.mjs <baseUrl>   (registration must be open)
import * as sdk from "matrix-js-sdk";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/index.js";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";

// matrix-js-sdk 43 uses Promise.withResolvers, which Node 20 (Debian's, this machine's) lacks.
Promise.withResolvers ??= function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
};

const baseUrl = process.argv[2];
if (!baseUrl) {
    console.error("usage: node e2ee.mjs <baseUrl>");
    process.exit(2);
}

const verbose = process.env.E2EE_VERBOSE === "1";
if (!verbose) sdkLogger.setLevel("error");
const quiet = {
    debug: verbose ? console.debug : () => {}, info: verbose ? console.info : () => {}, log: verbose ? console.log : () => {},
    warn: verbose ? console.warn : () => {}, error: console.error, trace() {}, getChild() { return quiet; },
};
const password = "e2ee password";
const timeout = setTimeout(() => { console.error("timed out"); process.exit(1); }, 140_000);

/** A client with Rust crypto whose secret storage key is `secrets.key` once set. */
async function cryptoClient(session, secrets) {
    const client = sdk.createClient({
        baseUrl, logger: quiet, accessToken: session.access_token, userId: session.user_id, deviceId: session.device_id,
        cryptoCallbacks: {
            getSecretStorageKey: async ({ keys }) => {
                const keyId = Object.keys(keys).find((id) => id === secrets.keyId) ?? Object.keys(keys)[0];
                return [keyId, secrets.key.privateKey];
            },
            cacheSecretStorageKey: (keyId) => { secrets.keyId = keyId; },
        },
    });
    await client.initRustCrypto({ useIndexedDB: false });
    return client;
}

async function register(name) {
    const anonymous = sdk.createClient({ baseUrl, logger: quiet });
    return anonymous.registerRequest({ username: name, password, auth: { type: "m.login.dummy" } });
}

async function login(userId) {
    const anonymous = sdk.createClient({ baseUrl, logger: quiet });
    return anonymous.loginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: userId }, password });
}

/** Cross-signing and secret storage (with a key backup when asked), as Element's "set up secure backup" does. */
async function setUpSecurity(client, secrets, withBackup) {
    const crypto = client.getCrypto();
    await crypto.bootstrapCrossSigning({
        authUploadDeviceSigningKeys: async (makeRequest) => makeRequest({
            type: "m.login.password", identifier: { type: "m.id.user", user: client.getUserId() }, password,
        }),
    });
    secrets.key = await crypto.createRecoveryKeyFromPassphrase();
    await crypto.bootstrapSecretStorage({
        createSecretStorageKey: async () => secrets.key,
        setupNewSecretStorage: true,
        setupNewKeyBackup: withBackup,
    });
}

function prepared(client) {
    return new Promise((resolve, reject) => {
        client.on(sdk.ClientEvent.Sync, (state, _prev, data) => {
            if (state === "PREPARED") resolve();
            if (state === "ERROR") reject(data?.error ?? new Error("sync error"));
        });
    });
}

/** The decrypted body of the event once the client's timeline shows it decrypted. */
function decrypts(client, eventId) {
    return new Promise((resolve, reject) => {
        const check = (event) => {
            if (event.getId() !== eventId || event.isBeingDecrypted() || event.shouldAttemptDecryption()) return;
            if (event.isDecryptionFailure()) reject(new Error(`could not decrypt ${eventId}: ${event.decryptionFailureReason}`));
            else resolve(event.getContent().body);
        };
        client.on(sdk.MatrixEventEvent.Decrypted, check);
        client.on(sdk.RoomEvent.Timeline, check);
    });
}

/** Decrypts an event fetched from the server, as a client opening an old message does. */
async function fetchAndDecrypt(client, roomId, eventId) {
    const event = new sdk.MatrixEvent(await client.fetchRoomEvent(roomId, eventId));
    await client.decryptEventIfNeeded(event);
    if (event.isDecryptionFailure()) throw new Error(`could not decrypt ${eventId}: ${event.decryptionFailureReason}`);
    return event.getContent().body;
}

/** Resolves once the client's crypto knows the user's device (keys queried after a device list change). */
async function knowsDevice(client, userId, deviceId) {
    const crypto = client.getCrypto();
    for (;;) {
        const updated = new Promise((resolve) => client.once(CryptoEvent.DevicesUpdated, resolve));
        const devices = await crypto.getUserDeviceInfo([userId]);
        if (devices.get(userId)?.has(deviceId)) return;
        await updated;
    }
}

/** Resolves once the client's crypto has the public cross-signing keys of its own user. */
async function knowsOwnIdentity(client) {
    const crypto = client.getCrypto();
    for (;;) {
        const updated = new Promise((resolve) => client.once(CryptoEvent.DevicesUpdated, resolve));
        if ((await crypto.getCrossSigningStatus()).publicKeysOnDevice) return;
        await updated;
    }
}

/** Resolves once the client has backed up every room key it holds. */
function backedUp(client) {
    return new Promise((resolve) => {
        const check = (remaining) => { if (remaining === 0) resolve(); };
        client.on(CryptoEvent.KeyBackupSessionsRemaining, check);
    });
}

async function inServerBackup(client, roomId) {
    const version = await client.getCrypto().getActiveSessionBackupVersion();
    for (let attempt = 0; attempt < 150; attempt++) {
        const keys = await client.http.authedRequest(sdk.Method.Get, "/room_keys/keys", { version });
        if (Object.keys(keys.rooms?.[roomId]?.sessions ?? {}).length > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the backup (version ${version}) never held a session of ${roomId}`);
}

async function unstableGet(client, path) {
    return client.http.authedRequest(sdk.Method.Get, path, undefined, undefined,
        { prefix: "/_matrix/client/unstable/org.matrix.msc3814.v1" });
}

const suffix = Date.now().toString(36);
const aliceSecrets = {};
const bobSecrets = {};
const alice = await cryptoClient(await register(`ealice${suffix}`), aliceSecrets);
const bob = await cryptoClient(await register(`ebob${suffix}`), bobSecrets);

// Part 1: an encrypted room; alice (who set up key backup) sends, bob decrypts.
await setUpSecurity(alice, aliceSecrets, true);
const backupVersion = (await alice.getCrypto().getKeyBackupInfo())?.version;
if (!backupVersion || (await alice.getCrypto().getActiveSessionBackupVersion()) !== backupVersion) {
    throw new Error(`alice's key backup is not active (server version ${backupVersion})`);
}
console.log(`alice set up cross-signing, secret storage and key backup version ${backupVersion}`);
await setUpSecurity(bob, bobSecrets, false);
if (!(await bob.getCrypto().isDehydrationSupported())) throw new Error("the server does not support dehydrated devices");
await bob.getCrypto().startDehydration({ createNewKey: true });
const { device_id: dehydratedId } = await unstableGet(bob, "/dehydrated_device");
console.log(`bob set up cross-signing, secret storage and dehydrated device ${dehydratedId}`);

const { room_id: roomId } = await alice.createRoom({
    name: "e2ee", invite: [bob.getUserId()],
    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
});
await bob.joinRoom(roomId);
const ready = [prepared(alice), prepared(bob)];
await alice.startClient({ initialSyncLimit: 10 });
await bob.startClient({ initialSyncLimit: 10 });
await Promise.all(ready);

const aliceBackedUp = backedUp(alice);
const { event_id: firstId } = await alice.sendMessage(roomId, { msgtype: "m.text", body: "secret one" });
const bobDecrypts = decrypts(bob, firstId);
const firstBody = await bobDecrypts;
if (firstBody !== "secret one") throw new Error(`bob decrypted "${firstBody}"`);
console.log("bob decrypted alice's message");
await aliceBackedUp;
// "0 sessions remaining" can come from a backup pass that ran before the new room key was queued: the server's copy of
// the backup is what the new device will read, so wait until it holds a session of the room.
await inServerBackup(alice, roomId);
console.log("alice's room key is in her backup");

// Part 2: alice on a new device restores her key backup with her recovery key and decrypts the old message.
const alice2 = await cryptoClient(await login(alice.getUserId()), aliceSecrets);
await alice2.getCrypto().loadSessionBackupPrivateKeyFromSecretStorage();
const restored = await alice2.getCrypto().restoreKeyBackup();
console.log(`alice's new device restored ${restored.imported} of ${restored.total} keys from the backup`);
const restoredBody = await fetchAndDecrypt(alice2, roomId, firstId);
if (restoredBody !== "secret one") throw new Error(`alice's new device decrypted "${restoredBody}"`);
console.log("alice's new device decrypted the old message from her key backup");

// Part 3: bob's only device logs out; alice's message reaches his dehydrated device; a new device rehydrates it.
bob.stopClient();
await bob.logout(true);
await knowsDevice(alice, bob.getUserId(), dehydratedId);
const { event_id: secondId } = await alice.sendMessage(roomId, { msgtype: "m.text", body: "secret two" });
console.log("alice sent a message while bob's devices were offline");

// As Element does on a new login: sync (which queries the user's own keys), then take the cross-signing keys from
// secret storage, then rehydrate.
const bob2 = await cryptoClient(await login(bob.getUserId()), bobSecrets);
const bob2Ready = prepared(bob2);
await bob2.startClient({ initialSyncLimit: 10 });
await bob2Ready;
await knowsOwnIdentity(bob2);
await bob2.getCrypto().bootstrapCrossSigning({});
let rehydrated = false;
let rehydratedRoomKeys = 0;
bob2.on(CryptoEvent.RehydrationProgress, (roomKeys) => { rehydratedRoomKeys = roomKeys; });
bob2.on(CryptoEvent.RehydrationCompleted, () => { rehydrated = true; });
await bob2.getCrypto().startDehydration({ rehydrate: true });
if (!rehydrated || rehydratedRoomKeys < 1) {
    throw new Error(`bob's new device did not rehydrate a room key (${rehydratedRoomKeys}) from the dehydrated device`);
}
const { device_id: newDehydratedId } = await unstableGet(bob2, "/dehydrated_device");
if (newDehydratedId === dehydratedId) throw new Error("the dehydrated device was not replaced");
console.log(`bob's new device rehydrated ${dehydratedId} (${rehydratedRoomKeys} room key) and made ${newDehydratedId}`);
const rehydratedBody = await fetchAndDecrypt(bob2, roomId, secondId);
if (rehydratedBody !== "secret two") throw new Error(`bob's new device decrypted "${rehydratedBody}"`);
console.log("bob's new device decrypted the message sent to his dehydrated device");

for (const client of [alice, alice2, bob2]) client.stopClient();
clearTimeout(timeout);
process.exit(0);
