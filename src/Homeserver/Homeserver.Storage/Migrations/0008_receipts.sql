-- Read receipts (m.read, m.read.private), the latest per user, receipt type and thread in each room.
-- stream_id orders changes for /sync; positions are taken under a lock held to commit (see ReceiptStore).
CREATE SEQUENCE receipts_stream_seq;

CREATE TABLE receipts (
    room_id       text NOT NULL,
    user_id       text NOT NULL,
    receipt_type  text NOT NULL,
    thread_id     text NOT NULL,                -- '' for an unthreaded receipt
    event_id      text NOT NULL,
    ts            bigint NOT NULL,
    stream_id     bigint NOT NULL,
    PRIMARY KEY (room_id, user_id, receipt_type, thread_id)
);
CREATE INDEX receipts_room_stream ON receipts (room_id, stream_id);
