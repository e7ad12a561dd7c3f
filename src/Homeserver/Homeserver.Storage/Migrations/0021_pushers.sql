-- Pushers (POST /pushers/set): where a user's notifications go. A pusher belongs to the device whose access token set
-- it and goes with it (logout, device deletion, deactivation). HTTP pushers deliver event_push_actions rows in stream
-- order; their progress and back-off are kept here, so delivery resumes after a restart, in whichever process.
CREATE TABLE pushers (
    id                    bigserial PRIMARY KEY,
    user_id               text NOT NULL,
    device_id             text NOT NULL,
    kind                  text NOT NULL,              -- 'http' (others are refused at /pushers/set)
    app_id                text NOT NULL,
    pushkey               text NOT NULL,
    app_display_name      text NOT NULL,
    device_display_name   text NOT NULL,
    profile_tag           text,
    lang                  text NOT NULL,
    data                  text NOT NULL,              -- the client's data object as JSON, url included
    pushkey_ts            bigint NOT NULL,            -- ms; when the pusher was last set
    last_stream_ordering  bigint NOT NULL,            -- the newest event_push_actions row handled (delivered or dropped)
    failing_since         bigint,                     -- ms; when delivery started failing, NULL while it works
    retry_at              bigint,                     -- ms; no attempt before this (back-off)
    backoff_ms            bigint NOT NULL DEFAULT 0,  -- the current back-off, doubled after each failure
    UNIQUE (user_id, app_id, pushkey),
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX pushers_app_pushkey ON pushers (app_id, pushkey);
