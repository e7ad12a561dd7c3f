-- Dehydrated devices (MSC3814): at most one per user. The device itself is a row of devices (without tokens), so it
-- receives to-device messages, holds keys and is listed by /keys/query like any other device.
CREATE TABLE dehydrated_devices (
    user_id      text PRIMARY KEY,
    device_id    text NOT NULL,
    device_data  text NOT NULL,                  -- the JSON object as the client gave it
    created_ts   bigint NOT NULL
);
