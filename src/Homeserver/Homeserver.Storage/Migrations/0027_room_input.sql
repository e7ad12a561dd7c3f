-- Room input (events from other servers): the state before each event beside the state after it, so that a later
-- event can branch from any stored one and /state_ids can answer the state at an event; and the positions of
-- backfilled events, negative and decreasing, so they sort before the timeline's start and never look new to sync.
ALTER TABLE events ADD COLUMN state_group_before bigint;
CREATE SEQUENCE event_backfill_seq;
