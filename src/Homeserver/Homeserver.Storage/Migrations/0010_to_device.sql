-- Send-to-device messages: each recipient device's inbox, kept until that device acknowledges them by syncing
-- with a token past them. The stream's position lives in one row whose update is the ordering lock: a send takes
-- the next position and holds the row until it commits, so positions become visible in order.
CREATE TABLE to_device_stream (
    position   bigint NOT NULL
);
INSERT INTO to_device_stream (position) VALUES (0);

CREATE TABLE to_device_inbox (
    user_id    text NOT NULL,
    device_id  text NOT NULL,
    stream_id  bigint NOT NULL,                  -- one position per send; a device gets one message per send
    sender     text NOT NULL,
    type       text NOT NULL,
    content    text NOT NULL,                    -- the JSON object as the sender gave it
    PRIMARY KEY (user_id, device_id, stream_id)
);

-- Transaction IDs of sends (per sending device), so a retry, also after a restart, sends nothing twice.
CREATE TABLE to_device_txns (
    user_id    text NOT NULL,
    device_id  text NOT NULL,
    txn_id     text NOT NULL,
    created_ts bigint NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
);
