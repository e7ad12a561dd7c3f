-- Room aliases of this server and the published room directory (rooms.is_public, migration 0003).

-- Local room aliases. No foreign key to rooms: createRoom reserves its alias before the room's first
-- write, so a taken alias stops the request before anything is created.
CREATE TABLE room_aliases (
    room_alias       text PRIMARY KEY,                 -- '#localpart:our.server'
    room_id          text NOT NULL,
    creator          text NOT NULL,                    -- the user who made the alias (may delete it)
    created_ts       bigint NOT NULL
);
CREATE INDEX room_aliases_room ON room_aliases (room_id);

-- The published directory is ordered by joined members; the partial index keeps listing it cheap.
CREATE INDEX rooms_public ON rooms (room_id) WHERE is_public;
