-- The OAuth 2.0 device authorisation grant (spec v1.18, RFC 8628): a device code the client polls with, and the short
-- user code a person types (or follows) in a browser to approve it. Only the device code's SHA-256 is stored.

CREATE TABLE oauth_device_grants (
    device_code_hash bytea PRIMARY KEY,
    user_code        text NOT NULL UNIQUE,
    client_id        text NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    scope            text NOT NULL,
    device_id        text NOT NULL,
    created_ts       bigint NOT NULL,
    expires_ts       bigint NOT NULL,
    last_poll_ts     bigint,
    status           text NOT NULL DEFAULT 'pending',   -- pending, approved, denied, exchanged
    user_id          text REFERENCES users (user_id) ON DELETE CASCADE
);
CREATE INDEX oauth_device_grants_expires ON oauth_device_grants (expires_ts);
