-- Simplified sliding sync (MSC4186): each connection's positions, so a client that reconnects to any process (or after
-- a restart) continues from its last `pos`. A row is one `pos` handed out: the stream positions it stands for and what
-- the connection had been sent by then (rooms and the positions they were sent up to, sticky room subscriptions, list
-- counts). Rows before the `pos` a request uses are deleted (the client has the newer one).
CREATE TABLE sliding_sync_positions (
    pos              bigserial PRIMARY KEY,
    user_id          text NOT NULL,
    device_id        text NOT NULL,
    conn_id          text NOT NULL,
    stream_token     text NOT NULL,          -- a /sync token (Services/Sync/SyncToken)
    state            text NOT NULL,          -- JSON of Services/Sync/Sliding/SlidingConnectionState
    created_ts       bigint NOT NULL
);
CREATE INDEX sliding_sync_positions_connection ON sliding_sync_positions (user_id, device_id, conn_id, pos);

-- The room list's order: each room's newest event of the types that bump a room (MSC4186 `bump_stamp`), found with one
-- short index probe per room instead of walking back over state events.
CREATE INDEX events_room_bump ON events (room_id, stream_ordering)
    WHERE type IN ('m.room.create', 'm.room.message', 'm.room.encrypted', 'm.sticker', 'm.call.invite',
                   'm.poll.start', 'm.beacon_info');
