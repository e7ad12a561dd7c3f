-- Live rooms' ways in without an invite (docs/LIVE.md, "Access"): a shared password per room and invite links.
-- Neither secret is stored as given: the password as the server's password hash, a link's token as its SHA-256, so a
-- copy of the database opens no room.
CREATE TABLE live_join_passwords (
    room_id        text PRIMARY KEY,
    password_hash  text NOT NULL,
    set_by         text NOT NULL,     -- the user whose invite lets a password join in (while they may invite)
    set_at         bigint NOT NULL
);

CREATE TABLE live_invite_links (
    token_hash  bytea PRIMARY KEY,    -- SHA-256 of the token
    link_id     text NOT NULL UNIQUE, -- a short name for listing and revoking, derived from token_hash
    room_id     text NOT NULL,
    created_by  text NOT NULL,
    created_at  bigint NOT NULL,
    expires_at  bigint,               -- ms since the epoch; NULL: never
    max_uses    integer,              -- NULL: unlimited
    uses        integer NOT NULL DEFAULT 0
);
CREATE INDEX live_invite_links_room ON live_invite_links (room_id, created_at);
