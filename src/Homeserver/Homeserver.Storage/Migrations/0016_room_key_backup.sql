-- Server-side key backups: each user's backup versions (the newest one not deleted is the current one) and the
-- encrypted room keys stored in them.
CREATE SEQUENCE room_key_backup_version_seq;
CREATE TABLE room_key_backup_versions (
    user_id    text NOT NULL,
    version    bigint NOT NULL,                  -- from the sequence: a deleted version's number is never reused
    algorithm  text NOT NULL,
    auth_data  text NOT NULL,                    -- the JSON object as the client gave it
    etag       bigint NOT NULL DEFAULT 0,        -- bumped whenever the keys change
    deleted    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (user_id, version)
);

CREATE TABLE room_key_backup_keys (
    user_id              text NOT NULL,
    version              bigint NOT NULL,
    room_id              text NOT NULL,
    session_id           text NOT NULL,
    first_message_index  bigint NOT NULL,
    forwarded_count      bigint NOT NULL,
    is_verified          boolean NOT NULL,
    session_data         text NOT NULL,          -- the JSON object as the client gave it
    PRIMARY KEY (user_id, version, room_id, session_id)
);
