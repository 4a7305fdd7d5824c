-- The breaks (rules §10) that begin in [p_from, p_to), UTC epoch seconds, into the session's
-- temporary table apr_tmp_now_breaks (GET /api/breaks and `npm run report -- --breaks`
-- read it; from a SQL client: CALL sp_agent_breaks(from, to, FALSE), then
-- SELECT * FROM apr_tmp_now_breaks). p_scoped: only the extensions of the temporary table
-- apr_tmp_now_exts (ext), which the caller fills.
-- A break is a longest run of loaded seconds, within one stretch of loaded time, in which
-- the agent's state is one not-available category with one normalised reason; a change of
-- reason, a higher-priority flag or the stretch's end ends it. b_to is where it ended: the
-- horizon when it still runs there. A break that began before p_from is not listed.
-- Each stretch's part inside the range is computed on its own (_private_now_segments).
-- A break still open where the range ends is followed past it, for those agents only, in
-- pieces of 1 h, 2 h, 4 h, ... up to its stretch's end, so an overnight Logoff costs a few
-- small reads, not the days between the range and the horizon.
DROP PROCEDURE IF EXISTS sp_agent_breaks;
CREATE PROCEDURE sp_agent_breaks(IN p_from BIGINT, IN p_to BIGINT, IN p_scoped BOOLEAN)
  MODIFIES SQL DATA
  COMMENT 'the breaks that begin in [p_from, p_to) into apr_tmp_now_breaks'
BEGIN
  DECLARE v_h BIGINT;
  DECLARE v_end BIGINT;
  DECLARE v_cur BIGINT;
  DECLARE v_sf BIGINT;
  DECLARE v_st BIGINT;
  DECLARE v_b BIGINT;
  DECLARE v_c BIGINT;
  DECLARE v_d BIGINT;
  DECLARE v_len BIGINT;

  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL _private_now_session(FALSE);
    RESIGNAL;
  END;
  CALL _private_now_session(TRUE);

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_breaks, apr_tmp_now_stretches, apr_tmp_now_follow;
  CREATE TEMPORARY TABLE apr_tmp_now_breaks (
    ext      VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    b_from   BIGINT NOT NULL,
    b_to     BIGINT NOT NULL,
    category VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    reason   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    open     BOOLEAN NOT NULL,   -- still being followed past the range
    PRIMARY KEY USING BTREE (ext, b_from)
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_stretches (s_from BIGINT NOT NULL PRIMARY KEY, s_to BIGINT NOT NULL) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_follow (
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY
  ) ENGINE=MEMORY;
  SELECT horizon INTO v_h FROM collector_state WHERE id = 1;
  SET v_end = LEAST(p_to, v_h);
  IF v_end > p_from THEN
    INSERT INTO apr_tmp_now_stretches (s_from, s_to)
    SELECT s_from, s_to FROM vw_loaded_stretches WHERE s_from < v_end AND s_to > p_from;
  END IF;
  SET v_cur = p_from;
  stretches: LOOP
    SET v_sf = NULL;
    SELECT s_from, s_to INTO v_sf, v_st FROM apr_tmp_now_stretches WHERE s_to > v_cur ORDER BY s_from LIMIT 1;
    IF v_sf IS NULL THEN
      LEAVE stretches;
    END IF;
    SET v_b = LEAST(v_st, v_end), v_cur = v_st;
    CALL _private_now_scope(p_scoped, FALSE);
    CALL _private_now_segments(GREATEST(v_sf, p_from), v_b, v_sf, p_scoped, FALSE);
    INSERT INTO apr_tmp_now_breaks (ext, b_from, b_to, category, reason, open)
    SELECT u.ext, u.r_from, u.r_to, r.category, n.reason, u.r_to = v_b AND v_b < v_st
    FROM apr_tmp_now_runs u
    JOIN apr_tmp_now_na n ON n.a = u.a AND n.na_pos = u.na_pos
    JOIN apr_tmp_now_reasons r ON r.reason = n.reason
    WHERE u.code = 5 AND NOT u.carried_in AND u.r_to > u.r_from;

    -- breaks open where the range ends: the run carried into each next piece continues them
    SET v_c = v_b, v_len = 3600;
    WHILE v_c < v_st AND EXISTS (SELECT 1 FROM apr_tmp_now_breaks WHERE open) DO
      DELETE FROM apr_tmp_now_follow;
      INSERT INTO apr_tmp_now_follow (ext) SELECT ext FROM apr_tmp_now_breaks WHERE open;
      SET v_d = LEAST(v_c + v_len, v_st);
      CALL _private_now_scope(TRUE, TRUE);
      CALL _private_now_segments(v_c, v_d, v_sf, TRUE, FALSE);
      UPDATE apr_tmp_now_breaks b
      JOIN apr_tmp_now_runs r ON r.ext = b.ext AND r.carried_in
      SET b.b_to = r.r_to, b.open = r.r_to = v_d AND v_d < v_st
      WHERE b.open;
      SET v_c = v_d, v_len = v_len * 2;
    END WHILE;
  END LOOP;
  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_stretches, apr_tmp_now_follow;
  CALL _private_now_session(FALSE);
END
