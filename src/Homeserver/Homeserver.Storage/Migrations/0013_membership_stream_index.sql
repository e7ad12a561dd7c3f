-- The newest membership change anywhere (max(stream_ordering) of room_memberships), read with the /sync positions:
-- a sync after it skips looking for membership changes (device lists).
CREATE INDEX room_memberships_stream ON room_memberships (stream_ordering);
