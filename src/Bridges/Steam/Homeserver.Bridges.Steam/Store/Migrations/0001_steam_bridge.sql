-- The Steam bridge's tables (portable SQL: TEXT and BIGINT only), beside the SDK's appservice_* tables.
CREATE TABLE steam_links (
    user_id   TEXT PRIMARY KEY,
    steam_id  TEXT NOT NULL UNIQUE,
    source    TEXT NOT NULL,
    linked_ts BIGINT NOT NULL
);

CREATE TABLE steam_pending_links (
    user_id    TEXT PRIMARY KEY,
    steam_id   TEXT NOT NULL,
    code       TEXT NOT NULL,
    created_ts BIGINT NOT NULL
);

CREATE TABLE steam_puppets (
    user_id      TEXT PRIMARY KEY,
    steam_id     TEXT NOT NULL,
    display_name TEXT,
    avatar_hash  TEXT,
    presence     TEXT,
    status_msg   TEXT,
    updated_ts   BIGINT NOT NULL
);

CREATE TABLE steam_avatars (
    avatar_hash TEXT PRIMARY KEY,
    mxc_uri     TEXT NOT NULL
);

CREATE TABLE steam_friends (
    user_id         TEXT NOT NULL,
    friend_steam_id TEXT NOT NULL,
    PRIMARY KEY (user_id, friend_steam_id)
);

CREATE TABLE steam_dm_rooms (
    user_id       TEXT NOT NULL,
    ghost_user_id TEXT NOT NULL,
    room_id       TEXT NOT NULL,
    created_ts    BIGINT NOT NULL,
    PRIMARY KEY (user_id, ghost_user_id)
);

CREATE TABLE steam_cursors (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
