-- The Discord bridge's own table (the SDK's appservice_* tables hold ghosts, memberships and message mappings).
-- A portal: one Matrix room linked to one Discord channel, with the webhook the bridge made there to relay Matrix users.
CREATE TABLE discord_portals (
    room_id       TEXT PRIMARY KEY,
    channel_id    TEXT NOT NULL UNIQUE,
    guild_id      TEXT,
    webhook_id    TEXT NOT NULL,
    webhook_token TEXT NOT NULL,
    linked_by     TEXT NOT NULL,
    created_ts    BIGINT NOT NULL
);
