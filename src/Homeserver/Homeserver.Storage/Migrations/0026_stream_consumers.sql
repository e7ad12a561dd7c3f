-- Durable readers of the event stream (the federation sender, later appservice senders): each owns a cursor, the
-- stream position of the last event it handled. A consumer starts at the stream's end when its row is first made.
CREATE TABLE stream_consumers (
    name        text PRIMARY KEY,
    position    bigint NOT NULL,
    updated_ts  bigint NOT NULL
);
