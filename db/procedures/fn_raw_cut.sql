-- The retention cut (npm run prune, RAW_RETENTION_DAYS), UTC epoch seconds; 0 when nothing
-- was pruned. Raw events and stats before it are gone: the report's rows of the hours before
-- it are kept as they were and are never recomputed, and the state at the cut is kept as a
-- checkpoint (agent_state_checkpoints at_ts = the cut) from which later hours carry on.
DROP FUNCTION IF EXISTS fn_raw_cut;
CREATE FUNCTION fn_raw_cut()
  RETURNS BIGINT
  READS SQL DATA
  RETURN COALESCE((SELECT CAST(value AS SIGNED) FROM apr_settings WHERE name = 'raw_cut'), 0);
