-- Rooms and the event DAG. Events are stored once, as canonical JSON, with the columns queries need.

CREATE TABLE rooms (
    room_id          text PRIMARY KEY,
    room_version     text NOT NULL,
    creator          text,
    is_public        boolean NOT NULL DEFAULT false,   -- listed in the public room directory
    last_stream      bigint NOT NULL DEFAULT 0,        -- stream ordering of the room's newest event (cache check)
    current_state_group bigint,                        -- the state group of the current state
    created_ts       bigint NOT NULL
);

-- The global stream: positions are assigned under a global advisory lock held until commit, so they
-- become visible in order (a reader never sees N+1 before N).
CREATE SEQUENCE event_stream_seq;

CREATE TABLE events (
    event_id          text PRIMARY KEY,
    room_id           text NOT NULL REFERENCES rooms (room_id),
    stream_ordering   bigint UNIQUE,                   -- NULL for outliers
    depth             bigint NOT NULL,                 -- the topological ordering
    type              text NOT NULL,
    state_key         text,
    sender            text NOT NULL,
    origin_server_ts  bigint NOT NULL,
    json              text NOT NULL,                   -- the full event, never rewritten (redaction is applied on read)
    state_group       bigint,                          -- the room state after this event
    redacted_by       text,                            -- the redaction event that applies to this event
    replaces_state    text,                            -- for state events: the event they replaced
    rejected_reason   text,
    outlier           boolean NOT NULL DEFAULT false,
    soft_failed       boolean NOT NULL DEFAULT false,
    relates_to        text,                            -- content.m.relates_to.event_id
    rel_type          text,                            -- content.m.relates_to.rel_type
    contains_url      boolean NOT NULL DEFAULT false
);
CREATE INDEX events_room_stream ON events (room_id, stream_ordering);
CREATE INDEX events_room_depth ON events (room_id, depth, stream_ordering);
CREATE INDEX events_room_ts ON events (room_id, origin_server_ts);
CREATE INDEX events_relations ON events (relates_to, rel_type) WHERE relates_to IS NOT NULL;

CREATE TABLE event_edges (
    event_id         text NOT NULL,
    prev_event_id    text NOT NULL,
    PRIMARY KEY (event_id, prev_event_id)
);
CREATE INDEX event_edges_prev ON event_edges (prev_event_id);

CREATE TABLE event_auth (
    event_id         text NOT NULL,
    auth_id          text NOT NULL,
    PRIMARY KEY (event_id, auth_id)
);

CREATE TABLE forward_extremities (
    room_id          text NOT NULL,
    event_id         text NOT NULL,
    PRIMARY KEY (room_id, event_id)
);

-- State snapshots: a group is its parent's state plus a delta, so storage grows with changes, not
-- with the state's size times the number of events. Chains are cut (a full snapshot, no parent) every
-- so often to keep lookups short.
CREATE TABLE state_groups (
    id               bigserial PRIMARY KEY,
    room_id          text NOT NULL,
    parent_id        bigint REFERENCES state_groups (id),
    chain_length     integer NOT NULL
);

CREATE TABLE state_group_entries (
    state_group      bigint NOT NULL REFERENCES state_groups (id),
    type             text NOT NULL,
    state_key        text NOT NULL,
    event_id         text NOT NULL,
    PRIMARY KEY (state_group, type, state_key)
);

-- The room's current state, materialised.
CREATE TABLE current_state (
    room_id          text NOT NULL,
    type             text NOT NULL,
    state_key        text NOT NULL,
    event_id         text NOT NULL,
    PRIMARY KEY (room_id, type, state_key)
);

-- Each user's current membership of each room (local and remote users).
CREATE TABLE room_memberships (
    room_id          text NOT NULL,
    user_id          text NOT NULL,
    membership       text NOT NULL,
    event_id         text NOT NULL,
    stream_ordering  bigint NOT NULL,
    forgotten        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_memberships_user ON room_memberships (user_id, membership);

-- Client transaction IDs (PUT .../send/{type}/{txnId}), kept so a retry after a restart still
-- returns the first event.
CREATE TABLE event_txn_ids (
    user_id          text NOT NULL,
    device_id        text NOT NULL,
    txn_id           text NOT NULL,
    event_id         text NOT NULL,
    created_ts       bigint NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
);
