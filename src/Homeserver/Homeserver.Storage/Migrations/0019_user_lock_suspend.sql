-- Server admins lock and suspend accounts (Client-Server API v1.18 /admin/lock, /admin/suspend).
-- locked: every request but logout answers 401 M_USER_LOCKED; suspended: no sending, joining, inviting,
-- creating rooms or profile changes (403 M_USER_SUSPENDED).
ALTER TABLE users
    ADD COLUMN locked    boolean NOT NULL DEFAULT false,
    ADD COLUMN suspended boolean NOT NULL DEFAULT false;
