-- Portable: one file for both dialects.
CREATE TABLE test_notes (
    id text PRIMARY KEY
);

CREATE TABLE test_rooms (
    room_id text PRIMARY KEY
);

CREATE TABLE test_widgets (
    id         text PRIMARY KEY,
    room_id    text REFERENCES test_rooms (room_id),
    created_ts bigint NOT NULL
);
