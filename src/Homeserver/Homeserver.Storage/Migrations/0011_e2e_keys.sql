-- End-to-end encryption keys of local devices and users, and the device list stream.

-- Each device's identity keys as it uploaded them (without "unsigned").
CREATE TABLE device_keys (
    user_id    text NOT NULL,
    device_id  text NOT NULL,
    key_json   text NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

-- Unclaimed one-time keys; a claim deletes the key it hands out. upload_id orders them by upload.
CREATE SEQUENCE one_time_key_upload_seq;
CREATE TABLE one_time_keys (
    user_id    text NOT NULL,
    device_id  text NOT NULL,
    algorithm  text NOT NULL,
    key_id     text NOT NULL,
    key_json   text NOT NULL,                    -- the key: a JSON string or a signed object
    upload_id  bigint NOT NULL,
    PRIMARY KEY (user_id, device_id, algorithm, key_id)
);
CREATE INDEX one_time_keys_claim ON one_time_keys (user_id, device_id, algorithm, upload_id);

-- One fallback key per device and algorithm, handed out (and marked used) when no one-time key is left.
CREATE TABLE fallback_keys (
    user_id    text NOT NULL,
    device_id  text NOT NULL,
    algorithm  text NOT NULL,
    key_id     text NOT NULL,
    key_json   text NOT NULL,
    used       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (user_id, device_id, algorithm)
);

-- Cross-signing keys: usage is 'master', 'self_signing' or 'user_signing'.
CREATE TABLE cross_signing_keys (
    user_id    text NOT NULL,
    usage      text NOT NULL,
    key_json   text NOT NULL,
    PRIMARY KEY (user_id, usage)
);

-- Signatures uploaded through /keys/signatures/upload, merged into the signed keys when they are queried.
-- target_key_id is a device ID or the unpadded base64 public key of a master key.
CREATE TABLE key_signatures (
    target_user_id  text NOT NULL,
    target_key_id   text NOT NULL,
    signer_user_id  text NOT NULL,
    signer_key_id   text NOT NULL,               -- e.g. ed25519:<public key or device ID>
    signature       text NOT NULL,
    PRIMARY KEY (target_user_id, target_key_id, signer_user_id, signer_key_id)
);

-- The device list stream: a row per change of a user's devices or keys, at a position taken under the row lock
-- of device_list_stream (held to commit, so positions become visible in order).
CREATE TABLE device_list_stream (
    position   bigint NOT NULL
);
INSERT INTO device_list_stream (position) VALUES (0);

CREATE TABLE device_list_changes (
    user_id    text NOT NULL,
    stream_id  bigint NOT NULL,
    PRIMARY KEY (user_id, stream_id)
);
CREATE INDEX device_list_changes_stream ON device_list_changes (stream_id);
