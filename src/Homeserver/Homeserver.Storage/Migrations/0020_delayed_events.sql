-- Delayed events (MSC4140): events a client scheduled to be sent later, kept after they are finalised (sent or
-- cancelled) so clients can see the outcome. Times are Unix milliseconds.
CREATE TABLE delayed_events (
    delay_id       text PRIMARY KEY,               -- random, unguessable: it is also the capability to manage it
    user_id        text NOT NULL,
    device_id      text NOT NULL,
    txn_id         text NOT NULL,                  -- the client's transaction ID: a retried PUT gets the same delay_id
    room_id        text NOT NULL,
    event_type     text NOT NULL,
    state_key      text,                           -- NULL: a message event
    content        text NOT NULL,                  -- the JSON object as the client sent it
    delay_ms       bigint NOT NULL,
    running_since  bigint NOT NULL,                -- scheduled or last restarted
    send_ts        bigint NOT NULL,                -- running_since + delay_ms
    finalised_ts   bigint,                         -- NULL while scheduled
    outcome        text,                           -- 'send' | 'cancel'
    reason         text,                           -- 'action' | 'delay' | 'error'
    error          text,                           -- the standard error response (JSON) when reason = 'error'
    event_id       text,                           -- the event it became, when sent
    UNIQUE (user_id, device_id, txn_id)
);

CREATE INDEX delayed_events_due ON delayed_events (send_ts) WHERE finalised_ts IS NULL;
CREATE INDEX delayed_events_state ON delayed_events (room_id, event_type, state_key)
    WHERE finalised_ts IS NULL AND state_key IS NOT NULL;
CREATE INDEX delayed_events_user ON delayed_events (user_id, send_ts);
