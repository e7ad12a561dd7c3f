-- What each user's push rules decided for each room event that notifies them, written when the event is persisted.
-- Unread counts (/sync) are derived from these rows and the user's receipts; pushers deliver them to push gateways
-- in stream order (a pusher remembers the last stream_ordering it delivered, so delivery resumes after a restart).
CREATE TABLE event_push_actions (
    user_id          text NOT NULL,
    room_id          text NOT NULL,
    event_id         text NOT NULL,
    stream_ordering  bigint NOT NULL,              -- the event's position in the global stream
    thread_id        text NOT NULL,                -- 'main' outside threads, else the thread root's event id
    notif            boolean NOT NULL,             -- the actions include "notify"
    highlight        boolean NOT NULL,             -- the actions set the highlight tweak
    actions          jsonb NOT NULL,               -- the matching rule's actions as evaluated
    ts               bigint NOT NULL,              -- the event's origin_server_ts
    PRIMARY KEY (user_id, event_id)
);
CREATE INDEX event_push_actions_user_stream ON event_push_actions (user_id, stream_ordering);
CREATE INDEX event_push_actions_room_user ON event_push_actions (room_id, user_id, thread_id, stream_ordering);
-- Unread counts read a user's notifications in a room after their unthreaded receipt: a range of this index, so a
-- sync never reads the notifications the user has already read, however many there were.
CREATE INDEX event_push_actions_user_room_stream ON event_push_actions (user_id, room_id, stream_ordering);
