-- An admin's override of one user's limit on the events they send (Synapse's ratelimit_override, set through
-- /_synapse/admin/v1/users/{userId}/override_ratelimit). messages_per_second = 0 lifts the limit for the user.
CREATE TABLE ratelimit_overrides (
    user_id              text PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    messages_per_second  bigint NOT NULL CHECK (messages_per_second >= 0),
    burst_count          bigint NOT NULL CHECK (burst_count >= 0)
);
