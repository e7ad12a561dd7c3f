-- Single sign-on (Sign in with Steam): accounts linked to external identities, sign-ins under way, and the OpenID
-- response nonces already used. Only hashes of the session IDs and browser cookies are stored.

CREATE TABLE user_external_ids (
    link_id       bigserial PRIMARY KEY,              -- link order, for pollers (GET .../external_ids?since=)
    auth_provider text NOT NULL,
    external_id   text NOT NULL,
    user_id       text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    linked_ts     bigint NOT NULL,
    UNIQUE (auth_provider, external_id),
    UNIQUE (auth_provider, user_id)
);

CREATE TABLE sso_sessions (
    session_hash        bytea PRIMARY KEY,
    browser_hash        bytea NOT NULL,
    idp_id              text NOT NULL,
    client_redirect_url text NOT NULL,
    return_to           text NOT NULL,
    created_ts          bigint NOT NULL,
    expires_ts          bigint NOT NULL
);
CREATE INDEX sso_sessions_expires ON sso_sessions (expires_ts);

CREATE TABLE sso_used_nonces (
    idp_id     text NOT NULL,
    nonce      text NOT NULL,
    expires_ts bigint NOT NULL,
    PRIMARY KEY (idp_id, nonce)
);
CREATE INDEX sso_used_nonces_expires ON sso_used_nonces (expires_ts);
