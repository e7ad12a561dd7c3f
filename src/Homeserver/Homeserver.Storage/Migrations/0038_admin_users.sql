-- What Synapse's admin API keeps about users beyond the accounts tables.
-- Nonces of shared-secret registration (/_synapse/admin/v1/register): one use each, 60 s; in the database so that a
-- nonce from one process works on another.
CREATE TABLE admin_registration_nonces (
    nonce       text PRIMARY KEY,
    created_ts  bigint NOT NULL
);

ALTER TABLE users
    ADD COLUMN user_type      text,                          -- NULL: a normal user; 'bot', 'support'
    ADD COLUMN shadow_banned  boolean NOT NULL DEFAULT false; -- sends appear to succeed but go nowhere

-- Per-user rate limit overrides (Synapse's ratelimit_override): 0/0 means not limited at all.
CREATE TABLE ratelimit_override (
    user_id              text PRIMARY KEY REFERENCES users (user_id),
    messages_per_second  integer NOT NULL,
    burst_count          integer NOT NULL
);
