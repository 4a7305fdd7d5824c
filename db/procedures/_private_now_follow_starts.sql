-- Stage of sp_agent_live: where each agent still followed back from p_to (its state held
-- before p_to; the agents in apr_tmp_now_scope, their state in apr_tmp_now_live) can start
-- its piece, instead of a common start for all of them: the latest state checkpoint
-- before p_to, inside the stretch, that holds (fn_mark_holds) and shows another state
-- code. The run that ends at p_to began after that instant (the state there differs, so
-- the run is not carried into it), and the checkpoint there is the state carried in, so
-- the piece reads that agent's events since then only: an agent who logged off at 02:00
-- reads the hour before it, not every hour back to 02:00 in doubling pieces.
-- Sets apr_tmp_now_scope.a_from; when any agent has one, the agents with none are taken
-- out of the scope (the caller follows them back as before), else the scope is kept.
-- Only the marks of the last two days are looked at: an agent whose state has held longer
-- is followed back the common way.
DROP PROCEDURE IF EXISTS _private_now_follow_starts;
CREATE PROCEDURE _private_now_follow_starts(IN p_to BIGINT, IN p_stretch_from BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_agent_live: each followed agent''s own start'
BEGIN
  DECLARE v_lo BIGINT DEFAULT GREATEST(p_stretch_from + 1, fn_raw_cut(), p_to - 2 * 86400);

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_marks;
  CREATE TEMPORARY TABLE apr_tmp_now_marks (at_ts BIGINT NOT NULL PRIMARY KEY) ENGINE=MEMORY;
  INSERT INTO apr_tmp_now_marks (at_ts)
  SELECT m.at_ts FROM agent_state_marks m WHERE m.at_ts >= v_lo AND m.at_ts < p_to AND fn_mark_holds(m.at_ts);
  -- Offline agents: their latest checkpoint row with a flag on (a checkpoint lists only
  -- the agents with one), found by the checkpoints' extension key
  UPDATE apr_tmp_now_scope s
  JOIN apr_tmp_now_live l ON l.ext = s.ext AND l.code = 0
  SET s.a_from = (SELECT k.at_ts FROM agent_state_checkpoints k JOIN apr_tmp_now_marks m ON m.at_ts = k.at_ts
                  WHERE k.ext = s.ext AND k.at_ts >= v_lo AND k.at_ts < p_to AND (k.flags <> 0 OR k.na_ts IS NOT NULL)
                  -- (from the latest back: usually the first row read)
                  ORDER BY k.at_ts DESC LIMIT 1);
  -- the others: the latest mark where their checkpoint (none: Offline) shows another code
  -- (rules §3 precedence, as _private_now_segments codes a piece)
  UPDATE apr_tmp_now_scope s
  JOIN apr_tmp_now_live l ON l.ext = s.ext AND l.code <> 0
  SET s.a_from = (SELECT MAX(m.at_ts) FROM apr_tmp_now_marks m
                  LEFT JOIN agent_state_checkpoints k ON k.at_ts = m.at_ts AND k.ext = s.ext
                  WHERE l.code <> CASE WHEN k.flags & 4 THEN 3 WHEN k.flags & 2 THEN 2 WHEN k.flags & 8 THEN 4 WHEN k.flags & 1 THEN 1
                                       WHEN k.na_ts IS NOT NULL THEN 5 ELSE 0 END);
  IF EXISTS (SELECT 1 FROM apr_tmp_now_scope WHERE a_from IS NOT NULL) THEN
    DELETE FROM apr_tmp_now_scope WHERE a_from IS NULL;
  END IF;
  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_marks;
END
