-- Rows written before loaded time was tracked counted everything up to the horizon.
UPDATE agent_activity SET not_loaded_s = hour_end - hour_start - counted_s;
