-- Media uploaded to this server (the content repository). Bytes live in the content store (IMediaContentStore) under
-- their SHA-256, shared by every row with the same content; a row created by /media/v1/create has no sha256 until
-- its upload arrives.
CREATE TABLE local_media (
    media_id          text PRIMARY KEY,
    uploader          text NOT NULL,
    created_ts        bigint NOT NULL,
    unused_expires_at bigint,                 -- set for /create: the upload must arrive before this time
    content_type      text,
    upload_name       text,                   -- the filename the uploader gave
    size_bytes        bigint,
    sha256            text,                   -- lower-case hex; null while an async upload is pending
    uploaded_ts       bigint,
    last_access_ts    bigint NOT NULL,        -- for retention: updated on download, at most hourly
    authenticated     boolean NOT NULL        -- created while unauthenticated media was frozen: not served on /media/v3
);
CREATE INDEX local_media_pending ON local_media (uploader, unused_expires_at) WHERE sha256 IS NULL;
CREATE INDEX local_media_sha256 ON local_media (sha256) WHERE sha256 IS NOT NULL;

-- Thumbnails generated from local media, one per (media, size tier, method, animation); bytes in the content store.
CREATE TABLE local_media_thumbnails (
    media_id      text NOT NULL REFERENCES local_media (media_id) ON DELETE CASCADE,
    tier_width    int NOT NULL,               -- the pre-set size it was made for (ThumbnailSizes)
    tier_height   int NOT NULL,
    method        text NOT NULL,              -- crop | scale
    animated      boolean NOT NULL,
    width         int NOT NULL,               -- the thumbnail's own dimensions
    height        int NOT NULL,
    content_type  text NOT NULL,
    size_bytes    bigint NOT NULL,
    sha256        text NOT NULL,
    created_ts    bigint NOT NULL,
    PRIMARY KEY (media_id, tier_width, tier_height, method, animated)
);
CREATE INDEX local_media_thumbnails_sha256 ON local_media_thumbnails (sha256);
