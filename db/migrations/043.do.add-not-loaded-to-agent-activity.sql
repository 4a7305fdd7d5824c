-- The hour's seconds outside loaded time (SPEC §3, column 35). counted_s now means the
-- hour's loaded seconds (the union of loaded windows), no longer "before the horizon".
ALTER TABLE agent_activity ADD COLUMN not_loaded_s INT NOT NULL DEFAULT 0 AFTER offline_s;
