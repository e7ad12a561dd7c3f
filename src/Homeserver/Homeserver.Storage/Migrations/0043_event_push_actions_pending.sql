-- Push actions of events whose rows are not in event_push_actions yet. A message in a room of thousands of members
-- has thousands of rows, and indexing them one by one inside the event's transaction held the global event stream lock
-- (taken from the first stream position to commit) for hundreds of milliseconds per message. The event's transaction
-- now writes one row here, the members' actions as parallel arrays; after the commit a mover expands it into
-- event_push_actions and deletes it in one statement (Storage/Push/PushActionMover.cs). Every reader of
-- event_push_actions reads these rows too, so unread counts, /notifications and pushers see an event's actions from
-- its commit on; a row a crash left here is moved when the writer starts.
CREATE TABLE event_push_actions_pending (
    stream_ordering  bigint PRIMARY KEY,    -- the event's position in the global stream
    room_id          text NOT NULL,
    event_id         text NOT NULL,
    ts               bigint NOT NULL,       -- the event's origin_server_ts
    user_ids         text[] NOT NULL,       -- element i of each array belongs to user_ids[i] (at most once per event)
    thread_ids       text[] NOT NULL,
    notifs           boolean[] NOT NULL,
    highlights       boolean[] NOT NULL,
    actions          text[] NOT NULL        -- the matching rule's actions, JSON
);
