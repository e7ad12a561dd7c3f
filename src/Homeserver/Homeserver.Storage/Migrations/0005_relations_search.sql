-- Relations, threads, search and reports.

-- Full-text search over the searchable keys of room events (content.body, content.name, content.topic):
-- one GIN index over the three together; a search restricted to some keys rechecks them on the matches.
CREATE INDEX events_search ON events USING GIN (to_tsvector('english',
    coalesce((json::jsonb) -> 'content' ->> 'body', '') || ' ' ||
    coalesce((json::jsonb) -> 'content' ->> 'name', '') || ' ' ||
    coalesce((json::jsonb) -> 'content' ->> 'topic', '')));

-- Threads: the replies of a root, newest first (the thread list orders roots by their latest reply).
CREATE INDEX events_thread_replies ON events (relates_to, stream_ordering) WHERE rel_type = 'm.thread';

-- Reports of events and rooms (POST /rooms/{roomId}/report/{eventId}, POST /rooms/{roomId}/report).
CREATE TABLE reports (
    id               bigserial PRIMARY KEY,
    room_id          text NOT NULL,
    event_id         text,                             -- NULL for a report of the whole room
    reporter         text NOT NULL,
    reason           text,
    score            integer,
    received_ts      bigint NOT NULL
);
CREATE INDEX reports_room ON reports (room_id, received_ts);
