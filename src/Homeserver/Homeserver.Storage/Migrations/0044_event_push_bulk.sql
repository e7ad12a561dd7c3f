-- Push actions an event shares with most of its recipients, kept once. A message in a room of thousands of members
-- notifies every member but its sender alike ("notify", the main timeline or one thread); a row per member in
-- event_push_actions made each message cost thousands of indexed rows, and each /sync's unread count read one row per
-- unread message. Such an event now has one row here, standing for every local member joined at the event (since
-- room_memberships.joined_since) but those listed in event_push_bulk_exceptions (its sender, members whose rules
-- decided otherwise: their own actions, if any, are in event_push_actions as before). Storage/Push/PushActionRows.cs.
CREATE TABLE event_push_bulk (
    stream_ordering  bigint PRIMARY KEY,    -- the event's position in the global stream
    room_id          text NOT NULL,
    event_id         text NOT NULL,
    thread_id        text NOT NULL,         -- 'main' outside threads, else the thread root's event id
    actions          text NOT NULL,         -- the shared actions, JSON (they notify and do not highlight)
    ts               bigint NOT NULL,       -- the event's origin_server_ts
    main_seq         bigint NOT NULL        -- the room's rows in the main timeline up to and including this one
);
-- A user's unread count in the main timeline is a difference of two main_seq values (the newest row and the newest
-- at the user's receipt) less their exceptions between: two probes of this index, however many messages are unread.
CREATE INDEX event_push_bulk_room ON event_push_bulk (room_id, stream_ordering) INCLUDE (main_seq);
-- Thread messages are counted one by one from this index.
CREATE INDEX event_push_bulk_room_threads ON event_push_bulk (room_id, stream_ordering) WHERE thread_id <> 'main';

CREATE TABLE event_push_bulk_exceptions (
    user_id          text NOT NULL,
    room_id          text NOT NULL,
    stream_ordering  bigint NOT NULL,       -- the event_push_bulk row the user is not counted in
    thread_id        text NOT NULL,
    PRIMARY KEY (user_id, room_id, stream_ordering)
);

-- Where the user's current run of joins began (a display name change is a join after a join and keeps it); null when
-- not joined. Events from here on were evaluated with the user among the room's members.
ALTER TABLE room_memberships ADD COLUMN joined_since bigint;
UPDATE room_memberships SET joined_since = stream_ordering WHERE membership = 'join';
