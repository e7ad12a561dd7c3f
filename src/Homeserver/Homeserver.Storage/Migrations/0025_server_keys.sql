-- Other servers' signing keys, one row per (server, key ID), with the key document it came from (a notary serves the
-- documents again, co-signed). valid_until_ts: for a current key the lesser of the document's valid_until_ts and 7 days
-- after the fetch; for an old key its expired_ts. A key fetched again replaces its row only when valid for longer.
CREATE TABLE remote_server_keys (
    server_name     text NOT NULL,
    key_id          text NOT NULL,
    public_key      bytea NOT NULL,
    valid_until_ts  bigint NOT NULL,
    is_old          boolean NOT NULL,
    key_document    text NOT NULL,
    fetched_ts      bigint NOT NULL,
    PRIMARY KEY (server_name, key_id)
);

-- This server's signing keys over time, for old_verify_keys: the key in the key file is recorded when first used; a
-- different key in the file later (a rotation) expires every other key at that moment.
CREATE TABLE local_signing_keys (
    key_id      text PRIMARY KEY,
    public_key  bytea NOT NULL,
    created_ts  bigint NOT NULL,
    expired_ts  bigint
);
