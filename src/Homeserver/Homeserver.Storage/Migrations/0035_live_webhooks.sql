-- Incoming webhooks of live rooms (docs/LIVE.md, "Webhooks"): each posts into one room as its own bot user
-- (@_live_webhook_<webhook_id>); the secret token is kept only as its SHA-256. A revoked webhook stays as a record.
CREATE TABLE live_webhooks (
    webhook_id   text PRIMARY KEY,
    room_id      text NOT NULL,
    name         text NOT NULL,
    avatar_url   text,
    bot_user_id  text NOT NULL,
    token_hash   bytea NOT NULL,
    created_by   text NOT NULL,
    created_ts   bigint NOT NULL,
    revoked_ts   bigint
);
CREATE INDEX live_webhooks_active_room ON live_webhooks (room_id, created_ts) WHERE revoked_ts IS NULL;
