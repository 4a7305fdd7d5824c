-- The live state (rules §10) at the data horizon into the session's temporary table
-- apr_tmp_now_live (GET /api/live and /metrics read it; from a SQL client:
-- CALL sp_agent_live(FALSE), then SELECT * FROM apr_tmp_now_live). p_scoped: only the
-- extensions of the temporary table apr_tmp_now_exts (ext), which the caller fills.
-- Listed: every agent whose state in the last second before the horizon is not Offline,
-- and every agent with a non-Offline second between the local midnight that starts the
-- horizon's day and the horizon. For each: that state (code, and for not-available the
-- category and the reason of the event in force when it began) and `since`, the start of
-- the longest run ending at the horizon in which the state (and normalised reason) stayed
-- the same, never before the start of the horizon's stretch of loaded time.
-- The horizon's report hour is computed stretch part by stretch part
-- (_private_now_segments); a state that already held when it began is followed back, for
-- those agents only: first the hour before the scan, then each agent from its own latest
-- checkpoint that shows another state (_private_now_follow_starts), and an agent with none
-- in pieces of 2 h, 4 h, ... down to its stretch's start. Who was busy today comes from
-- the day's stored report rows (agent_activity).
DROP PROCEDURE IF EXISTS sp_agent_live;
CREATE PROCEDURE sp_agent_live(IN p_scoped BOOLEAN)
  MODIFIES SQL DATA
  COMMENT 'each agent''s state at the data horizon into apr_tmp_now_live'
BEGIN
  DECLARE v_h BIGINT;
  DECLARE v_day BIGINT;
  DECLARE v_date DATE;
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

  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL _private_now_session(FALSE);
    RESIGNAL;
  END;
  CALL _private_now_session(TRUE);

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_bounds, apr_tmp_now_live, apr_tmp_now_today, apr_tmp_now_stretches, apr_tmp_now_follow;
  CREATE TEMPORARY TABLE apr_tmp_now_live (
    ext      VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    code     TINYINT NOT NULL,   -- 0 Offline, 1 Idle, 2 Talk, 3 Hold, 4 Wrap Up, 5 not available
    category VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    reason   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    norm     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    since    BIGINT NOT NULL,
    carried  BOOLEAN NOT NULL,   -- the state held before `since`: still being followed back
    staffed_today BOOLEAN NOT NULL
  ) ENGINE=MEMORY;
  -- the horizon and its local day [day_from, day_to), for the day's report row
  CREATE TEMPORARY TABLE apr_tmp_now_bounds (horizon BIGINT NULL, day_from BIGINT NULL, day_to BIGINT NULL) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_today (
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_stretches (s_from BIGINT NOT NULL PRIMARY KEY, s_to BIGINT NOT NULL) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_follow (
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY
  ) ENGINE=MEMORY;

  SELECT horizon INTO v_h FROM collector_state WHERE id = 1;
  -- the local day of the horizon, and of the last second before it (the same day unless
  -- the horizon is a local midnight): both from the report calendar
  -- (the date first, as a constant: each bound is then a short range of the calendar's
  -- keys, not a walk through every hour of the calendar)
  SET v_date = (SELECT DATE(h.local_start) FROM report_hours h WHERE h.hour_start <= v_h ORDER BY h.hour_start DESC LIMIT 1);
  SET v_day = (SELECT MIN(d.hour_start) FROM report_hours d WHERE d.local_start >= v_date AND d.local_start < v_date + INTERVAL 1 DAY);
  -- (a local day's hours all start within a few days of its first)
  INSERT INTO apr_tmp_now_bounds (horizon, day_from, day_to)
  SELECT v_h, v_day, (SELECT MAX(d.hour_end) FROM report_hours d
                      WHERE d.hour_start >= v_day AND d.hour_start < v_day + 3 * 86400 AND d.local_start < v_date + INTERVAL 1 DAY);
  -- the state at the horizon is computed from the start of the report hour of its last
  -- second (the transform's checkpoints carry the state in there); a state that already
  -- held then is followed back below
  SET v_scan = (SELECT h.hour_start FROM report_hours h WHERE h.hour_start < v_h ORDER BY h.hour_start DESC LIMIT 1);
  -- a non-Offline second between the day's start and the horizon: a stored report row of
  -- the day with staffed seconds (the transform keeps them up to the horizon), which are
  -- its counted seconds less the offline ones (the table's check: the states' seconds add
  -- up to counted_s)
  IF p_scoped THEN
    INSERT INTO apr_tmp_now_today (ext)
    SELECT DISTINCT a.ext FROM apr_tmp_now_exts x JOIN agent_activity a ON a.ext = x.ext AND a.hour_start >= v_day AND a.hour_start < v_h
    WHERE a.counted_s > a.offline_s;
  ELSE
    INSERT INTO apr_tmp_now_today (ext)
    SELECT DISTINCT a.ext FROM agent_activity a
    WHERE a.hour_start >= v_day AND a.hour_start < v_h AND a.counted_s > a.offline_s;
  END IF;
  IF v_scan < v_h THEN
    INSERT INTO apr_tmp_now_stretches (s_from, s_to)
    SELECT s_from, s_to FROM vw_loaded_stretches WHERE s_from < v_h AND s_to > v_scan;
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
    IF v_st = v_h THEN
      -- the horizon's stretch (the last one): each agent's run that reaches the horizon
      SET v_hs = v_sf, v_ha = v_a;
      INSERT INTO apr_tmp_now_live (ext, code, category, reason, norm, since, carried, staffed_today)
      SELECT u.ext, u.code, r.category, n.reason, r.norm, u.r_from, u.carried_in, FALSE
      FROM apr_tmp_now_runs u
      LEFT JOIN apr_tmp_now_na n ON u.code = 5 AND n.a = u.a AND n.na_pos = u.na_pos
      LEFT JOIN apr_tmp_now_reasons r ON r.reason = n.reason
      WHERE u.r_to = v_h AND u.r_to > u.r_from;
    END IF;
  END LOOP;
  -- agents busy today with nothing on and no event in the horizon's hour: Offline
  -- throughout it, since an earlier time that is followed back below
  INSERT IGNORE INTO apr_tmp_now_live (ext, code, category, reason, norm, since, carried, staffed_today)
  SELECT ext, 0, NULL, NULL, NULL, COALESCE(v_ha, v_h), COALESCE(v_ha > v_hs, FALSE), TRUE FROM apr_tmp_now_today;
  UPDATE apr_tmp_now_live l JOIN apr_tmp_now_today t ON t.ext = l.ext SET l.staffed_today = TRUE;
  DELETE FROM apr_tmp_now_live WHERE code = 0 AND NOT staffed_today;

  -- states that already held when the scan began: followed back within their stretch
  SET v_c = GREATEST(COALESCE(v_hs, v_h), v_scan), v_len = 3600;
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
  CALL _private_now_session(FALSE);
END
