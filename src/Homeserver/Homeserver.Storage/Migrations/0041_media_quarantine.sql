-- The admin API's media moderation (Synapse's quarantine and protection). A quarantined media is served to nobody
-- (404) until unquarantined; quarantined_by is the admin who did it. Protected local media (safe_from_quarantine)
-- is skipped by quarantines and by the admin's bulk deletion by date and size.
ALTER TABLE local_media
    ADD COLUMN quarantined_by       text,
    ADD COLUMN safe_from_quarantine boolean NOT NULL DEFAULT false;
ALTER TABLE remote_media_cache ADD COLUMN quarantined_by text;

-- The admin's list of one user's media pages through it by upload time.
CREATE INDEX local_media_uploader_created ON local_media (uploader, created_ts);
