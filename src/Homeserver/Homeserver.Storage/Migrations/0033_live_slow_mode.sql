-- Live rooms' slow mode (docs/LIVE.md): when each user last posted in each room that has slow mode, so every server
-- process checks and claims a user's next slot in one atomic statement (LiveSlowModeStore). Milliseconds.
CREATE TABLE live_slow_mode_posts (
    room_id text NOT NULL,
    user_id text NOT NULL,
    posted_at bigint NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
