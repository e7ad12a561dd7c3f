-- Presence of local users: the latest state of each. stream_id orders the changes clients are told of for /sync;
-- positions are taken under a lock held to commit (see PresenceStore). last_active_ts may move without a new
-- position (activity while currently active is not news).
CREATE SEQUENCE presence_stream_seq;

CREATE TABLE presence (
    user_id           text PRIMARY KEY,
    presence          text NOT NULL,             -- online, unavailable, offline
    status_msg        text,
    last_active_ts    bigint NOT NULL,           -- 0: never active
    currently_active  boolean NOT NULL,
    stream_id         bigint NOT NULL
);
CREATE INDEX presence_stream ON presence (stream_id);
CREATE INDEX presence_not_offline ON presence (user_id) WHERE presence <> 'offline';
