-- The appservice SDK's own tables, prefixed so a bridge can keep its tables in the same database.
CREATE TABLE appservice_transactions (
    txn_id         text PRIMARY KEY,
    events_handled integer NOT NULL DEFAULT 0,
    completed      boolean NOT NULL DEFAULT false,
    received_ts    bigint NOT NULL
);

CREATE TABLE appservice_ghosts (
    user_id       text PRIMARY KEY,
    registered    boolean NOT NULL DEFAULT false,
    display_name  text,
    avatar_url    text,
    updated_ts    bigint NOT NULL
);

CREATE TABLE appservice_memberships (
    room_id    text NOT NULL,
    user_id    text NOT NULL,
    membership text NOT NULL,
    PRIMARY KEY (room_id, user_id)
);

CREATE TABLE appservice_mappings (
    kind       text NOT NULL,
    remote_id  text NOT NULL,
    part       text NOT NULL DEFAULT '',
    matrix_id  text NOT NULL,
    room_id    text,
    created_ts bigint NOT NULL,
    PRIMARY KEY (kind, remote_id, part),
    UNIQUE (kind, matrix_id)
);
