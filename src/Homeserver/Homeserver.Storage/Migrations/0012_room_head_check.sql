-- Lets a writer that decided events on its cached room head check, under the room's lock and inside the same
-- batch as the writes, that no other process wrote to the room since (SQLSTATE HS001 otherwise).
CREATE FUNCTION assert_room_head(room text, expected bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT last_stream FROM rooms WHERE room_id = room) IS DISTINCT FROM expected THEN
        RAISE EXCEPTION 'room head of % moved', room USING ERRCODE = 'HS001';
    END IF;
END
$$;
