-- Guild spaces, threads, and how far each portal's channel was bridged (where catching up after downtime starts).
-- A guild's Matrix space, and the name and icon hash last set on it.
CREATE TABLE discord_spaces (
    guild_id   TEXT PRIMARY KEY,
    room_id    TEXT NOT NULL UNIQUE,
    name       TEXT,
    icon       TEXT,
    created_ts BIGINT NOT NULL
);

-- A thread of a linked channel: its root in the portal (the starter message's event, or the bot's notice), its
-- latest event there (what the reply fallback of the next thread message points at), and the newest Discord message
-- of the thread bridged (a snowflake; where catching up starts).
CREATE TABLE discord_threads (
    thread_id       TEXT PRIMARY KEY,
    channel_id      TEXT NOT NULL,
    name            TEXT,
    root_event_id   TEXT,
    latest_event_id TEXT,
    last_message_id BIGINT
);
CREATE INDEX discord_threads_root ON discord_threads (root_event_id);

-- Messages (either way) that live in a thread, so edits and deletes through the webhook name the thread.
CREATE TABLE discord_thread_messages (
    message_id TEXT PRIMARY KEY,
    thread_id  TEXT NOT NULL
);

-- The newest Discord message of the channel bridged to Matrix (a snowflake), or NULL before the first.
ALTER TABLE discord_portals ADD COLUMN last_message_id BIGINT;
