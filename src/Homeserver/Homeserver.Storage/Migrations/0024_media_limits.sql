-- Media limits and retention (per-user quota, retention by last access) and the cache of other servers' media.

-- The quota sums a user's uploads; retention finds media not accessed for a while.
CREATE INDEX local_media_uploader_size ON local_media (uploader) INCLUDE (size_bytes) WHERE sha256 IS NOT NULL;
CREATE INDEX local_media_last_access ON local_media (last_access_ts) WHERE sha256 IS NOT NULL;
CREATE INDEX local_media_unused_expiry ON local_media (unused_expires_at) WHERE sha256 IS NULL;

-- Media of other servers fetched once (IRemoteMediaFetcher) and served from here afterwards; bytes in the content
-- store under their SHA-256 like local media.
CREATE TABLE remote_media_cache (
    server_name    text NOT NULL,
    media_id       text NOT NULL,
    content_type   text NOT NULL,
    upload_name    text,
    size_bytes     bigint NOT NULL,
    sha256         text NOT NULL,
    created_ts     bigint NOT NULL,
    last_access_ts bigint NOT NULL,           -- for retention: updated on download, at most hourly
    PRIMARY KEY (server_name, media_id)
);
CREATE INDEX remote_media_cache_sha256 ON remote_media_cache (sha256);
CREATE INDEX remote_media_cache_last_access ON remote_media_cache (last_access_ts);

-- Thumbnails generated here from cached remote media (as local_media_thumbnails for local media).
CREATE TABLE remote_media_thumbnails (
    server_name   text NOT NULL,
    media_id      text NOT NULL,
    tier_width    int NOT NULL,
    tier_height   int NOT NULL,
    method        text NOT NULL,
    animated      boolean NOT NULL,
    width         int NOT NULL,
    height        int NOT NULL,
    content_type  text NOT NULL,
    size_bytes    bigint NOT NULL,
    sha256        text NOT NULL,
    created_ts    bigint NOT NULL,
    PRIMARY KEY (server_name, media_id, tier_width, tier_height, method, animated),
    FOREIGN KEY (server_name, media_id) REFERENCES remote_media_cache (server_name, media_id) ON DELETE CASCADE
);
CREATE INDEX remote_media_thumbnails_sha256 ON remote_media_thumbnails (sha256);
