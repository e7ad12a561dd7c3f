-- The Synapse-compatible admin API (/_synapse/admin/...) records every authenticated call in an audit log: who made
-- it, which endpoint (method and route), whom or what it was about, when, from where, and how it ended (the HTTP
-- status; the errcode when refused or failed). Calls refused because the caller is not a server admin are recorded
-- too; shared-secret registrations (no access token) are recorded with the actor 'shared_secret'.
CREATE TABLE admin_audit_log (
    id          bigserial PRIMARY KEY,
    ts          bigint NOT NULL,          -- ms since the epoch
    actor       text NOT NULL,            -- the requester's user ID, or 'shared_secret'
    method      text NOT NULL,
    endpoint    text NOT NULL,            -- the route template, e.g. /_synapse/admin/v2/users/{userId}
    target      text,                     -- the user, room or other object named in the path, if any
    status      integer NOT NULL,
    errcode     text,
    client_ip   text
);
CREATE INDEX admin_audit_log_ts ON admin_audit_log (ts);
CREATE INDEX admin_audit_log_target ON admin_audit_log (target, ts) WHERE target IS NOT NULL;
