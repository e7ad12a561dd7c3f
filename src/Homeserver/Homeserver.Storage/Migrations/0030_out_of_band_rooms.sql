-- Rooms hosted elsewhere that this server knows only through out-of-band membership events (an invite from another
-- server, the leave that rejected it, a knock): the row exists so their events can be stored (outliers with a stream
-- position and a membership row, for /sync), but the room has no head here (no extremities, no state) until a local
-- user joins it through another server (send_join), which clears the flag.
ALTER TABLE rooms ADD COLUMN out_of_band boolean NOT NULL DEFAULT false;
