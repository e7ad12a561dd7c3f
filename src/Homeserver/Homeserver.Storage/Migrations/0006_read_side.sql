-- The read side of rooms: a user's membership events in a room (history visibility needs when they
-- joined), and state events by type (history visibility, guest access) without scanning the room.
CREATE INDEX events_room_state ON events (room_id, type, state_key, stream_ordering) WHERE state_key IS NOT NULL;
