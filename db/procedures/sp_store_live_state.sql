-- The live state (sp_agent_live) of every agent stored in live_state, with what it was
-- computed from in live_state_at, so the live board reads it while those stand. The
-- collector calls it at the end of a run that left nothing to aggregate; with hours still
-- pending (their report rows, and so who was busy today, are not final) it stores nothing
-- and what was stored before no longer holds. From a SQL client: CALL sp_store_live_state().
DROP PROCEDURE IF EXISTS sp_store_live_state;
CREATE PROCEDURE sp_store_live_state()
  MODIFIES SQL DATA
  COMMENT 'stores every agent''s live state at the data horizon in live_state'
BEGIN
  DECLARE v_window BIGINT;
  DECLARE v_cut BIGINT;

  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    RESIGNAL;
  END;
  START TRANSACTION;
  -- (first: sp_agent_live then computes from the events)
  DELETE FROM live_state_at;
  IF NOT EXISTS (SELECT 1 FROM pending_aggregation) THEN
    -- what it is computed from, read before the computing (which reads the horizon first):
    -- a window or a prune that commits meanwhile leaves it marked older than the data, so
    -- never read, rather than newer than what it saw
    SET v_window = (SELECT MAX(w.id) FROM loaded_windows w), v_cut = fn_raw_cut();
    CALL sp_agent_live(FALSE);
    DELETE FROM live_state;
    INSERT INTO live_state (ext, code, reason, norm, since, staffed_today)
    SELECT ext, code, reason, norm, since, staffed_today FROM apr_tmp_now_live;
    INSERT INTO live_state_at (id, horizon, window_id, raw_cut)
    SELECT 1, b.horizon, v_window, v_cut
    FROM apr_tmp_now_bounds b
    WHERE b.horizon IS NOT NULL;
  END IF;
  COMMIT;
END
