-- URL previews (GET /_matrix/client/v1/media/preview_url): the OpenGraph JSON answered for a URL, one row per URL,
-- served while expires_ts is after the time asked for (the request's ts, or now) and replaced when fetched again.
-- Images of previews are ordinary local_media rows (og:image names them).
CREATE TABLE url_previews (
    url        text PRIMARY KEY,          -- as the client gave it (at most 2048 bytes of UTF-8)
    og         text NOT NULL,             -- the JSON object answered
    fetched_ts bigint NOT NULL,
    expires_ts bigint NOT NULL
);
CREATE INDEX url_previews_expires ON url_previews (expires_ts);
