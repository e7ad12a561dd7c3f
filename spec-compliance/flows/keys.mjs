// End-to-end encryption key management, from the spec's Key management API, Cross-signing and Send-to-Device
// sections: device and one-time keys (really signed with Ed25519), query, claim, changes, cross-signing keys and
// signatures, to-device messages.
import crypto from "node:crypto";
import { cs, e } from "../lib/client.mjs";
import { password } from "../lib/context.mjs";
import { runKeyBackup } from "./keybackup.mjs";

export const name = "keys";

/** Canonical JSON for the small objects signed here: sorted keys, no whitespace. */
function canonical(value) {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value && typeof value === "object") return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
    return JSON.stringify(value);
}

const unpadded = (buffer) => buffer.toString("base64").replace(/=+$/, "");

function ed25519() {
    const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
    return { privateKey, public: unpadded(publicKey.export({ format: "der", type: "spki" }).subarray(-32)) };
}

/** `object` with a signature by `key` (named `keyId`) of `userId`, over the object without signatures and unsigned. */
function sign(object, userId, keyId, key) {
    const { signatures, unsigned, ...signed } = object;
    const signature = unpadded(crypto.sign(null, Buffer.from(canonical(signed)), key.privateKey));
    return { ...object, signatures: { ...signatures, [userId]: { ...signatures?.[userId], [keyId]: signature } } };
}

export async function run(ctx) {
    const alice = await ctx.register("keys_alice");
    const bob = await ctx.register("keys_bob");
    await alice.post(cs("/createRoom"), { preset: "private_chat", invite: [bob.userId] }).then((r) => bob.post(cs(`/join/${e(r.body.room_id)}`), {}));

    // Device keys and one-time/fallback keys of alice's device.
    const deviceKey = ed25519();
    const curve = unpadded(crypto.randomBytes(32));
    const device_keys = sign({
        user_id: alice.userId,
        device_id: alice.deviceId,
        algorithms: ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
        keys: { [`curve25519:${alice.deviceId}`]: curve, [`ed25519:${alice.deviceId}`]: deviceKey.public },
    }, alice.userId, `ed25519:${alice.deviceId}`, deviceKey);
    const oneTime = (id) => sign({ key: unpadded(crypto.randomBytes(32)) }, alice.userId, `ed25519:${alice.deviceId}`, deviceKey);
    const uploaded = await alice.post(cs("/keys/upload"), {
        device_keys,
        one_time_keys: { "signed_curve25519:AAAAAQ": oneTime(), "signed_curve25519:AAAAAg": oneTime() },
        fallback_keys: { "signed_curve25519:AAAAAw": { ...oneTime(), fallback: true } },
    });
    ctx.expect(uploaded.body?.one_time_key_counts?.signed_curve25519 === 2, "two one-time keys counted");

    const from = (await bob.get(cs("/sync"), { query: { timeout: "0" } })).body.next_batch;
    const query = await bob.post(cs("/keys/query"), { device_keys: { [alice.userId]: [] }, timeout: 1000 });
    ctx.expect(query.body?.device_keys?.[alice.userId]?.[alice.deviceId], "bob sees alice's device keys");
    const claim = await bob.post(cs("/keys/claim"), { one_time_keys: { [alice.userId]: { [alice.deviceId]: "signed_curve25519" } } });
    ctx.expect(Object.keys(claim.body?.one_time_keys?.[alice.userId]?.[alice.deviceId] ?? {}).length === 1, "bob claims one key");

    // Cross-signing: master, self-signing and user-signing keys (UIA), then a signature of the device.
    const master = ed25519();
    const selfSigning = ed25519();
    const userSigning = ed25519();
    const keyOf = (key, usage, signer) => {
        const object = { user_id: alice.userId, usage: [usage], keys: { [`ed25519:${key.public}`]: key.public } };
        return signer ? sign(object, alice.userId, `ed25519:${master.public}`, master) : object;
    };
    const crossSigning = {
        master_key: keyOf(master, "master"),
        self_signing_key: keyOf(selfSigning, "self_signing", true),
        user_signing_key: keyOf(userSigning, "user_signing", true),
    };
    // The first upload may skip user-interactive auth (no keys to replace yet); a server may still ask for it.
    const first = await alice.post(cs("/keys/device_signing/upload"), crossSigning, { expect: [200, 401] });
    if (first.status === 401) {
        await alice.post(cs("/keys/device_signing/upload"), {
            ...crossSigning,
            auth: { type: "m.login.password", identifier: { type: "m.id.user", user: alice.userId }, password, session: first.body?.session },
        });
    }
    const signedDevice = sign(device_keys, alice.userId, `ed25519:${selfSigning.public}`, selfSigning);
    const signatures = await alice.post(cs("/keys/signatures/upload"), { [alice.userId]: { [alice.deviceId]: signedDevice } });
    ctx.expect(Object.keys(signatures.body?.failures ?? {}).length === 0, "the device signature is accepted");
    await bob.post(cs("/keys/query"), { device_keys: { [alice.userId]: [alice.deviceId] } });

    const changes = await bob.get(cs("/keys/changes"), { query: { from, to: (await bob.get(cs("/sync"), { query: { timeout: "0", since: from } })).body.next_batch } });
    ctx.expect(changes.body?.changed?.includes(alice.userId), "alice's keys changed since bob's token");

    // To-device: bob sends alice's device a message; alice's sync delivers it once.
    await bob.put(cs(`/sendToDevice/m.room_key_request/spec${Date.now()}`), {
        messages: { [alice.userId]: { [alice.deviceId]: { action: "request_cancellation", requesting_device_id: bob.deviceId, request_id: "spec1" } } },
    });
    const delivered = await ctx.eventually(async () => {
        const sync = await alice.get(cs("/sync"), { query: { timeout: "500" } });
        return sync.body?.to_device?.events?.some((x) => x.type === "m.room_key_request") && sync;
    });
    ctx.expect(delivered, "alice's sync delivers the to-device message");

    await runKeyBackup(ctx, bob);
}
