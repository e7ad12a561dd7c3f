-- What the homeserver still has to push to each application service, in order, and the one transaction in flight
-- (PUT /_matrix/app/v1/transactions/{txnId}: retried with the same ID and body until the appservice answers 2xx).
CREATE TABLE appservice_states (
    appservice_id     text PRIMARY KEY,
    last_event_stream bigint NOT NULL DEFAULT 0,   -- the newest event position queued (a re-read batch queues nothing twice)
    txn_count         bigint NOT NULL DEFAULT 0,   -- transaction IDs are this counter
    txn_id            bigint,                      -- the transaction in flight, NULL when none
    txn_body          bytea,
    txn_items         bigint[],                    -- the appservice_outbound IDs it carries
    backoff_ms        bigint NOT NULL DEFAULT 0,   -- the last back-off after a failure, 0 when the appservice is up
    retry_at_ts       bigint NOT NULL DEFAULT 0    -- no attempt before this
);

-- Items in the order they were queued: room events (their stream position, queued once), ephemeral events, and
-- MSC3202 device list changes (content is then the user ID).
CREATE TABLE appservice_outbound (
    appservice_id    text NOT NULL,
    id               bigint GENERATED ALWAYS AS IDENTITY,
    kind             text NOT NULL,
    stream_ordering  bigint,
    content          text NOT NULL,
    PRIMARY KEY (appservice_id, id)
);
CREATE UNIQUE INDEX appservice_outbound_events ON appservice_outbound (appservice_id, stream_ordering)
    WHERE stream_ordering IS NOT NULL;
