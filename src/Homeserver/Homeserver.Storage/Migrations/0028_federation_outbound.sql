-- The federation sender's durable queue: what each destination server is still to be sent, in order, and the one
-- transaction in flight to it (retried with the same ID and body until the destination answers).
CREATE TABLE federation_destinations (
    destination         text PRIMARY KEY,
    lease_owner         text,                 -- the process sending to it, until lease_until_ts
    lease_until_ts      bigint NOT NULL DEFAULT 0,
    txn_id              text,                 -- the transaction in flight, NULL when none
    txn_body            bytea,
    txn_pdus            bigint[],             -- queued PDU positions it carries
    txn_edus            bigint[],             -- queued EDU IDs it carries
    txn_count           bigint NOT NULL DEFAULT 0,
    last_successful_stream bigint             -- the newest PDU position the destination took
);

-- PDUs by the stream position of the event (events.stream_ordering), sent in that order.
CREATE TABLE federation_outbound_pdus (
    destination      text NOT NULL,
    stream_ordering  bigint NOT NULL,
    room_id          text NOT NULL,
    event_id         text NOT NULL,
    PRIMARY KEY (destination, stream_ordering)
);

-- EDUs in the order they were queued.
CREATE TABLE federation_outbound_edus (
    destination      text NOT NULL,
    id               bigint GENERATED ALWAYS AS IDENTITY,
    edu_type         text NOT NULL,
    content          text NOT NULL,            -- JSON
    PRIMARY KEY (destination, id)
);
