-- Unread counts read a user's notifications in a room after their unthreaded receipt: a range of this index,
-- so a sync never reads the notifications the user has already read, however many there were.
CREATE INDEX event_push_actions_user_room_stream ON event_push_actions (user_id, room_id, stream_ordering);
