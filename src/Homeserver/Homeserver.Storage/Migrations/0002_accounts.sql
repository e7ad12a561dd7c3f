-- Accounts, devices, tokens, user-interactive auth sessions, profiles and account data.
-- Times are milliseconds since the Unix epoch (bigint), as Matrix timestamps are.

CREATE TABLE users (
    user_id        text PRIMARY KEY,             -- @localpart:server
    password_hash  text,                         -- NULL: no password login (guests, deactivated, SSO-only)
    is_admin       boolean NOT NULL DEFAULT false,
    is_guest       boolean NOT NULL DEFAULT false,
    deactivated    boolean NOT NULL DEFAULT false,
    erased         boolean NOT NULL DEFAULT false,
    created_ts     bigint NOT NULL
);

CREATE SEQUENCE guest_localpart_seq;

CREATE TABLE devices (
    user_id        text NOT NULL REFERENCES users (user_id),
    device_id      text NOT NULL,
    display_name   text,
    last_seen_ts   bigint,
    last_seen_ip   text,
    created_ts     bigint NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

-- Refresh tokens chain: when a pair is refreshed, the old row points at its replacement and stays
-- usable until the replacement is used.
CREATE TABLE refresh_tokens (
    id             bigserial PRIMARY KEY,
    token_hash     bytea NOT NULL UNIQUE,        -- SHA-256 of the token; the token itself is never stored
    user_id        text NOT NULL,
    device_id      text NOT NULL,
    next_id        bigint REFERENCES refresh_tokens (id) ON DELETE SET NULL,
    created_ts     bigint NOT NULL,
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);

CREATE TABLE access_tokens (
    id               bigserial PRIMARY KEY,
    token_hash       bytea NOT NULL UNIQUE,
    user_id          text NOT NULL,
    device_id        text NOT NULL,
    refresh_token_id bigint REFERENCES refresh_tokens (id) ON DELETE CASCADE,
    used             boolean NOT NULL DEFAULT false,
    created_ts       bigint NOT NULL,
    expires_ts       bigint,                     -- NULL: never expires
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX access_tokens_user_device ON access_tokens (user_id, device_id);

CREATE TABLE login_tokens (
    token_hash     bytea PRIMARY KEY,
    user_id        text NOT NULL REFERENCES users (user_id),
    expires_ts     bigint NOT NULL
);

CREATE TABLE registration_tokens (
    token          text PRIMARY KEY,
    uses_allowed   integer,                      -- NULL: unlimited
    completed      integer NOT NULL DEFAULT 0,
    expiry_ts      bigint,                       -- NULL: never expires
    created_ts     bigint NOT NULL
);

CREATE TABLE uia_sessions (
    session_id     text PRIMARY KEY,
    method         text NOT NULL,
    path           text NOT NULL,
    user_id        text,                         -- the authenticated user the session was started for
    completed      text[] NOT NULL DEFAULT '{}',
    registration_token text,
    created_ts     bigint NOT NULL
);

CREATE TABLE profiles (
    user_id        text PRIMARY KEY REFERENCES users (user_id),
    displayname    text,
    avatar_url     text,
    custom         jsonb NOT NULL DEFAULT '{}'
);

-- Account data, global (room_id = '') and per room; stream_id orders changes for /sync.
CREATE SEQUENCE account_data_stream_seq;
CREATE TABLE account_data (
    user_id        text NOT NULL,
    room_id        text NOT NULL,
    type           text NOT NULL,
    content        text NOT NULL,                -- the JSON object as the client sent it
    stream_id      bigint NOT NULL,
    PRIMARY KEY (user_id, room_id, type)
);
CREATE INDEX account_data_stream ON account_data (user_id, stream_id);
