-- The OAuth 2.0 API (spec v1.15+): registered clients, authorisation requests with their codes, browser sessions of
-- the login and consent pages, and which client each OAuth device belongs to. Tokens themselves stay in
-- access_tokens and refresh_tokens, so an OAuth access token authenticates like any other.

CREATE TABLE oauth_clients (
    client_id        text PRIMARY KEY,
    metadata         jsonb NOT NULL,              -- the registered metadata as answered to the client
    redirect_uris    text[] NOT NULL,
    application_type text NOT NULL,               -- 'web' or 'native'
    created_ts       bigint NOT NULL
);

-- A browser that opened the login page; user_id is set once it signed in. Only the cookie's SHA-256 is stored.
CREATE TABLE oauth_browser_sessions (
    session_hash     bytea PRIMARY KEY,
    user_id          text REFERENCES users (user_id) ON DELETE CASCADE,
    created_ts       bigint NOT NULL,
    expires_ts       bigint NOT NULL
);
CREATE INDEX oauth_browser_sessions_expires ON oauth_browser_sessions (expires_ts);

-- One authorisation request (GET authorize), bound to the browser session that made it; once the user consents it
-- holds the code's hash, and `exchanged` marks the code used.
CREATE TABLE oauth_authorization_requests (
    request_id       text PRIMARY KEY,
    client_id        text NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    redirect_uri     text NOT NULL,
    scope            text NOT NULL,
    device_id        text NOT NULL,
    state            text,
    response_mode    text NOT NULL,
    code_challenge   text NOT NULL,
    session_hash     bytea NOT NULL,
    created_ts       bigint NOT NULL,
    expires_ts       bigint NOT NULL,
    user_id          text REFERENCES users (user_id) ON DELETE CASCADE,
    code_hash        bytea UNIQUE,
    code_expires_ts  bigint,
    exchanged        boolean NOT NULL DEFAULT false
);
CREATE INDEX oauth_authorization_requests_expires ON oauth_authorization_requests (expires_ts);

-- The devices made by the OAuth API: their client (refresh needs it to match) and granted scope.
CREATE TABLE oauth_sessions (
    user_id          text NOT NULL,
    device_id        text NOT NULL,
    client_id        text NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    scope            text NOT NULL,
    created_ts       bigint NOT NULL,
    PRIMARY KEY (user_id, device_id),
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
