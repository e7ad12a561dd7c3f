// Server-side key backups (the spec's "Server-side key backups" section): versions, keys at all three levels, a
// worse key that does not replace a better one, a write to an old version (M_WRONG_ROOM_KEYS_VERSION), deletion.
// Run from the keys flow.
import { cs, e } from "../lib/client.mjs";

const algorithm = "m.megolm_backup.v1.curve25519-aes-sha2";
const key = (index, verified) => ({
    first_message_index: index,
    forwarded_count: 0,
    is_verified: verified,
    session_data: { ephemeral: "base64+ephemeral+key", ciphertext: `ciphertext ${index}`, mac: "base64+mac" },
});

export async function runKeyBackup(ctx, user) {
    await user.get(cs("/room_keys/version"), { expect: 404 });
    const old = (await user.post(cs("/room_keys/version"), { algorithm, auth_data: { public_key: "abcdefg" } })).body.version;
    const { version } = (await user.post(cs("/room_keys/version"), { algorithm, auth_data: { public_key: "hijklmn" } })).body;
    await user.put(cs(`/room_keys/version/${e(version)}`), { algorithm, auth_data: { public_key: "hijklmn", signatures: {} }, version });
    const roomId = "!backup:example.org";
    await user.put(cs("/room_keys/keys"), { rooms: { [roomId]: { sessions: { s1: key(3, false) } } } }, { query: { version } });
    const two = await user.put(cs(`/room_keys/keys/${e(roomId)}`), { sessions: { s2: key(1, true) } }, { query: { version } });
    const worse = await user.put(cs(`/room_keys/keys/${e(roomId)}/s1`), key(7, false), { query: { version } });
    ctx.expect(worse.body?.etag === two.body?.etag && worse.body?.count === 2, "a worse key changes nothing");
    const wrong = await user.put(cs(`/room_keys/keys/${e(roomId)}/s3`), key(0, false), { query: { version: old }, expect: 403 });
    ctx.expect(wrong.body?.errcode === "M_WRONG_ROOM_KEYS_VERSION" && wrong.body?.current_version === version, "old versions are refused");
    const info = await user.get(cs(`/room_keys/version/${e(version)}`));
    ctx.expect(info.body?.count === 2, "the backup counts its keys");
    await user.get(cs("/room_keys/version"));
    await user.get(cs("/room_keys/keys"), { query: { version } });
    await user.get(cs(`/room_keys/keys/${e(roomId)}`), { query: { version } });
    const one = await user.get(cs(`/room_keys/keys/${e(roomId)}/s1`), { query: { version } });
    ctx.expect(one.body?.first_message_index === 3, "the better key was kept");
    await user.get(cs(`/room_keys/keys/${e(roomId)}/none`), { query: { version }, expect: 404 });
    await user.delete(cs(`/room_keys/keys/${e(roomId)}/s1`), { query: { version } });
    await user.delete(cs(`/room_keys/keys/${e(roomId)}`), { query: { version } });
    await user.delete(cs("/room_keys/keys"), { query: { version } });
    await user.delete(cs(`/room_keys/version/${e(version)}`));
    await user.get(cs(`/room_keys/version/${e(version)}`), { expect: 404 });
}
