-- Stage of sp_agent_live: the live state computed from the events (the procedure's notes
-- say how), into apr_tmp_now_live, for the horizon p_h and its local day starting at p_day.
DROP PROCEDURE IF EXISTS _private_now_compute;
CREATE PROCEDURE _private_now_compute(IN p_scoped BOOLEAN, IN p_h BIGINT, IN p_day BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_agent_live: the live state from the events'
BEGIN
  DECLARE v_scan BIGINT;
  DECLARE v_cur BIGINT;
  DECLARE v_sf BIGINT;
  DECLARE v_st BIGINT;
  DECLARE v_a BIGINT;
  DECLARE v_c BIGINT;
  DECLARE v_len BIGINT;
  DECLARE v_hs BIGINT;
  DECLARE v_ha BIGINT;
  DECLARE v_each BOOLEAN;
  DECLARE v_jumped BOOLEAN DEFAULT FALSE;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_today, apr_tmp_now_stretches, apr_tmp_now_follow;
  CREATE TEMPORARY TABLE apr_tmp_now_today (
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_stretches (s_from BIGINT NOT NULL PRIMARY KEY, s_to BIGINT NOT NULL) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_follow (
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY
  ) ENGINE=MEMORY;

  -- the state at the horizon is computed from the start of the report hour of its last
  -- second (the transform's checkpoints carry the state in there); a state that already
  -- held then is followed back
  SET v_scan = (SELECT h.hour_start FROM report_hours h WHERE h.hour_start < p_h ORDER BY h.hour_start DESC LIMIT 1);
  -- a non-Offline second between the day's start and the horizon: a stored report row of
  -- the day with staffed seconds (the transform keeps them up to the horizon), which are
  -- its counted seconds less the offline ones (the table's check: the states' seconds add
  -- up to counted_s)
  IF p_scoped THEN
    INSERT INTO apr_tmp_now_today (ext)
    SELECT DISTINCT a.ext FROM apr_tmp_now_exts x JOIN agent_activity a ON a.ext = x.ext AND a.hour_start >= p_day AND a.hour_start < p_h
    WHERE a.counted_s > a.offline_s;
  ELSE
    INSERT INTO apr_tmp_now_today (ext)
    SELECT DISTINCT a.ext FROM agent_activity a
    WHERE a.hour_start >= p_day AND a.hour_start < p_h AND a.counted_s > a.offline_s;
  END IF;
  IF v_scan < p_h THEN
    INSERT INTO apr_tmp_now_stretches (s_from, s_to)
    SELECT s_from, s_to FROM vw_loaded_stretches WHERE s_from < p_h AND s_to > v_scan;
  END IF;
  SET v_cur = v_scan;
  stretches: LOOP
    SET v_sf = NULL;
    SELECT s_from, s_to INTO v_sf, v_st FROM apr_tmp_now_stretches WHERE s_to > v_cur ORDER BY s_from LIMIT 1;
    IF v_sf IS NULL THEN
      LEAVE stretches;
    END IF;
    SET v_a = GREATEST(v_sf, v_scan), v_cur = v_st;
    CALL _private_now_scope(p_scoped, FALSE);
    CALL _private_now_segments(v_a, v_st, v_sf, p_scoped, TRUE);
    IF v_st = p_h THEN
      -- the horizon's stretch (the last one): each agent's run that reaches the horizon
      SET v_hs = v_sf, v_ha = v_a;
      INSERT INTO apr_tmp_now_live (ext, code, category, reason, norm, since, carried, staffed_today)
      SELECT u.ext, u.code, r.category, n.reason, r.norm, u.r_from, u.carried_in, FALSE
      FROM apr_tmp_now_runs u
      LEFT JOIN apr_tmp_now_na n ON u.code = 5 AND n.a = u.a AND n.na_pos = u.na_pos
      LEFT JOIN apr_tmp_now_reasons r ON r.reason = n.reason
      WHERE u.r_to = p_h AND u.r_to > u.r_from;
    END IF;
  END LOOP;
  -- agents busy today with nothing on and no event in the horizon's hour: Offline
  -- throughout it, since an earlier time that is followed back below
  INSERT IGNORE INTO apr_tmp_now_live (ext, code, category, reason, norm, since, carried, staffed_today)
  SELECT ext, 0, NULL, NULL, NULL, COALESCE(v_ha, p_h), COALESCE(v_ha > v_hs, FALSE), TRUE FROM apr_tmp_now_today;
  UPDATE apr_tmp_now_live l JOIN apr_tmp_now_today t ON t.ext = l.ext SET l.staffed_today = TRUE;
  DELETE FROM apr_tmp_now_live WHERE code = 0 AND NOT staffed_today;

  -- states that already held when the scan began: followed back within their stretch
  SET v_c = GREATEST(COALESCE(v_hs, p_h), v_scan), v_len = 3600;
  WHILE v_c > v_hs AND EXISTS (SELECT 1 FROM apr_tmp_now_live WHERE carried) DO
    DELETE FROM apr_tmp_now_follow;
    INSERT INTO apr_tmp_now_follow (ext) SELECT ext FROM apr_tmp_now_live WHERE carried;
    SET v_a = GREATEST(v_c - v_len, v_hs), v_each = FALSE;
    CALL _private_now_scope(TRUE, TRUE);
    -- past the first hour (most runs began in it, and one short piece of every agent still
    -- followed is read cheapest by time), each agent from its own start, once; the agents
    -- without one go on below in the doubling pieces
    IF v_len > 3600 AND NOT v_jumped THEN
      SET v_jumped = TRUE;
      CALL _private_now_follow_starts(v_c, v_hs);
      SET v_each = EXISTS (SELECT 1 FROM apr_tmp_now_scope WHERE a_from IS NOT NULL);
    END IF;
    CALL _private_now_segments(IF(v_each, NULL, v_a), v_c, v_hs, TRUE, TRUE);
    -- an agent with no run here was Offline throughout (nothing on, no event); with its own
    -- start each agent has a run (the state there was another one)
    IF NOT v_each THEN
      UPDATE apr_tmp_now_live SET since = v_a, carried = v_a > v_hs WHERE carried AND code = 0;
    END IF;
    -- the run that ends where the state was known to hold: the same state (it began at the
    -- run's start, or earlier when that run was carried in too), or another one (the state
    -- began exactly there: only for an agent that had no run after it)
    UPDATE apr_tmp_now_live l
    JOIN apr_tmp_now_runs u ON u.ext = l.ext AND u.r_to = v_c AND u.r_to > u.r_from
    LEFT JOIN apr_tmp_now_na n ON u.code = 5 AND n.a = u.a AND n.na_pos = u.na_pos
    LEFT JOIN apr_tmp_now_reasons r ON r.reason = n.reason
    SET l.since = IF(u.code = l.code AND r.norm <=> l.norm, u.r_from, v_c),
        l.carried = IF(u.code = l.code AND r.norm <=> l.norm, u.carried_in, FALSE),
        l.reason = IF(u.code = l.code AND r.norm <=> l.norm, n.reason, l.reason);
    IF NOT v_each THEN
      SET v_c = v_a, v_len = v_len * 2;
    END IF;
  END WHILE;
  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_today, apr_tmp_now_stretches, apr_tmp_now_follow;
END
