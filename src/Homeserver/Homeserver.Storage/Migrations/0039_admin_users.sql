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

