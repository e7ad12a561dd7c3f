-- Filters clients upload for /sync (POST /user/{userId}/filter), kept as the JSON they sent.
CREATE SEQUENCE user_filter_seq;
CREATE TABLE user_filters (
    user_id          text NOT NULL,
    filter_id        bigint NOT NULL,
    filter_json      text NOT NULL,
    PRIMARY KEY (user_id, filter_id)
);
