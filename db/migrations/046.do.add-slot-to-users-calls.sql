-- Stats are fetched per 15-minute slot (SPEC §4): users_calls is keyed by slot, and keeps
-- the slot's report hour for hourly reads. Rows fetched per hour before this change keep
-- their hour's start as their slot (the hour's first slot), so hours and longer sums stay
-- right; a backfill re-fetches them per slot.
ALTER TABLE users_calls ADD COLUMN slot_start BIGINT NULL FIRST;
