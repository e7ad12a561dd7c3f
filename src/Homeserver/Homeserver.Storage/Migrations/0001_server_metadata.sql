-- Facts about this server that must never change once data exists (its server name, first).
CREATE TABLE server_metadata (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
