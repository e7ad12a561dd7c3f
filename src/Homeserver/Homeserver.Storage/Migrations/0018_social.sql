-- The user directory, OpenID tokens and reports of users.

-- User directory search (POST /user_directory/search): the words of each local user's ID and display name, kept
-- with the profile row by Postgres itself, so every profile change (and registration, erasure) maintains it.
-- Separators are turned into spaces so '@alice_b:example.org' gives 'alice', 'b', 'example', 'org'; searches
-- match word prefixes (to_tsquery 'word:*'). Lower-cased through ICU: the cluster's C locale would leave 'É' as it is
-- (its text search parser does take any non-ASCII character as a letter).
ALTER TABLE profiles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig,
        translate(lower(normalize(user_id || ' ' || coalesce(displayname, ''), NFC) COLLATE "und-x-icu"),
            '@:._-=/+', '        '))) STORED;
CREATE INDEX profiles_search ON profiles USING gin (search_vector);

-- Rooms whose members anyone may find in the directory: join rule 'public' or history visibility 'world_readable'
-- (Synapse's "world readable or publicly joinable"). Maintained with current_state by the room writer.
CREATE TABLE user_directory_public_rooms (
    room_id          text PRIMARY KEY
);
INSERT INTO user_directory_public_rooms (room_id)
SELECT DISTINCT cs.room_id FROM current_state cs JOIN events e ON e.event_id = cs.event_id
WHERE cs.state_key = '' AND (
    (cs.type = 'm.room.join_rules' AND e.json::jsonb #>> '{content,join_rule}' = 'public') OR
    (cs.type = 'm.room.history_visibility' AND e.json::jsonb #>> '{content,history_visibility}' = 'world_readable'));

-- OpenID tokens (POST /user/{userId}/openid/request_token), resolved by the federation API's /openid/userinfo.
CREATE TABLE openid_tokens (
    token_hash       bytea PRIMARY KEY,             -- SHA-256 of the token; the token itself is never stored
    user_id          text NOT NULL,
    expires_ts       bigint NOT NULL
);
CREATE INDEX openid_tokens_expiry ON openid_tokens (expires_ts);

-- Reports of users (POST /users/{userId}/report) sit beside reports of rooms and events.
ALTER TABLE reports ALTER COLUMN room_id DROP NOT NULL;
ALTER TABLE reports ADD COLUMN reported_user_id text;   -- set for a report of a user (room_id and event_id NULL)
