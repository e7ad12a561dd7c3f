-- Synapse's admin API for rooms: rooms blocked by a server admin (local users may not join, be invited or knock),
-- and the admin's background jobs on rooms (delete a room, purge its history) with their outcome for the status
-- endpoints.
CREATE TABLE blocked_rooms (
    room_id      text PRIMARY KEY,
    user_id      text NOT NULL          -- the admin who blocked it
);

CREATE TABLE admin_room_jobs (
    job_id       text PRIMARY KEY,      -- delete_id or purge_id
    kind         text NOT NULL,         -- 'delete' or 'purge_history'
    room_id      text NOT NULL,
    status       text NOT NULL,         -- 'scheduled', 'active', 'complete', 'failed'
    result       text,                  -- JSON: the shutdown result of a delete
    error        text,
    created_ts   bigint NOT NULL
);
CREATE INDEX admin_room_jobs_room ON admin_room_jobs (room_id, created_ts);
