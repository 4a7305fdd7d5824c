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
-- The collector stores this answer for every agent at the end of its run
-- (sp_store_live_state); while nothing it was computed from has moved it is read from
-- there (_private_now_stored), else computed from the events (_private_now_compute): the
-- horizon's report hour stretch part by stretch part (_private_now_segments); a state
-- that already held when it began is followed back, for those agents only: first the hour
-- before the scan, then each agent from its own latest checkpoint that shows another state
-- (_private_now_follow_starts), and an agent with none in pieces of 2 h, 4 h, ... down to
-- its stretch's start. Who was busy today comes from the day's stored report rows
-- (agent_activity).
DROP PROCEDURE IF EXISTS sp_agent_live;
CREATE PROCEDURE sp_agent_live(IN p_scoped BOOLEAN)
  MODIFIES SQL DATA
  COMMENT 'each agent''s state at the data horizon into apr_tmp_now_live'
BEGIN
  DECLARE v_h BIGINT;
  DECLARE v_day BIGINT;
  DECLARE v_date DATE;

  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL _private_now_session(FALSE);
    RESIGNAL;
  END;
  CALL _private_now_session(TRUE);

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_bounds, apr_tmp_now_live;
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
  -- what the collector stored at the end of its run, while nothing it was computed from
  -- has moved (live_state_at); else from the events
  IF EXISTS (SELECT 1 FROM live_state_at s
             WHERE s.id = 1 AND s.horizon = v_h AND s.window_id <=> (SELECT MAX(w.id) FROM loaded_windows w)
               AND s.raw_cut = fn_raw_cut()) THEN
    CALL _private_now_stored(p_scoped);
  ELSE
    CALL _private_now_compute(p_scoped, v_h, v_day);
  END IF;
  CALL _private_now_session(FALSE);
END
