-- The transform reads a group of agents' offered and answered calls over many hours: by
-- extension first, from an index that holds the two counts, so it never reads the wide
-- rows (raw payloads) of every other agent in the same slots.
ALTER TABLE users_calls ADD KEY ix_users_calls_ext (ext, slot_start, total_calls, answered_calls);
