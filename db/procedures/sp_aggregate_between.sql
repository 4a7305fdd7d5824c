-- Internal: recomputes every report hour whose UTC start lies in [p_from_ts, p_to_ts), for
-- every agent, in pieces of about a day's work each (sp_aggregate_span, one transaction
-- each), so the temporary tables stay in memory and no lock is held for long:
--   * by default: runs of 24 report hours, all agents, one after the other (each span's
--     state at its end is the next one's checkpoint, so nothing is read twice);
--   * with SET @apr_agent_hours_per_piece = <n> for a session: runs of at most 31 days,
--     each split into groups of agents (by extension) of about n agent-hours, e.g. 33
--     agents for 30 days at 24,000. An agent's state only depends on its own events, so a
--     group reads its agents' events of the whole run and carries their state in once.
--     Since agent_events is partitioned by day, a group reads every day's partition once
--     per group: 9 days of 1,000 agents took 28-33 s this way and 19-21 s by days.
-- Every piece is set-based over all agents and events it covers. A run of groups holds
-- the aggregation lock throughout (other callers wait between runs, not between groups),
-- and marks the state checkpoints the groups wrote as complete only when all succeeded.
DROP PROCEDURE IF EXISTS sp_aggregate_between;
CREATE PROCEDURE sp_aggregate_between(IN p_from_ts BIGINT, IN p_to_ts BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal: recompute agent_activity for report hours starting in [p_from_ts, p_to_ts)'
BEGIN
  DECLARE v_from BIGINT;
  DECLARE v_to BIGINT;
  DECLARE v_hours INT;
  DECLARE v_group INT;
  DECLARE v_groups INT;
  DECLARE v_i INT;
  DECLARE v_lo VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
  DECLARE v_hi VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
  DECLARE v_lock VARCHAR(64) CHARACTER SET utf8mb4 DEFAULT fn_lock_name('aggregate');
  DECLARE v_locked BOOLEAN DEFAULT FALSE;
  DECLARE v_end BIGINT;
  DECLARE v_run_end BIGINT;
  DECLARE v_run_hours INT DEFAULT IF(@apr_agent_hours_per_piece IS NULL, 23, 743);

  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    IF v_locked THEN
      DO RELEASE_LOCK(v_lock);
    END IF;
    DROP TEMPORARY TABLE IF EXISTS apr_tmp_bounds;
    RESIGNAL;
  END;

  SET v_from = (SELECT MIN(hour_start) FROM report_hours WHERE hour_start >= p_from_ts AND hour_start < p_to_ts);
  WHILE v_from IS NOT NULL DO
    -- a run ends at the start of the 25th hour (745th: 31 days, by groups) from v_from, or
    -- at the range's end
    SET v_to = COALESCE((SELECT hour_start FROM report_hours
                         WHERE hour_start > v_from AND hour_start < p_to_ts
                         ORDER BY hour_start LIMIT 1 OFFSET v_run_hours), p_to_ts);
    SET v_hours = (SELECT COUNT(*) FROM report_hours WHERE hour_start >= v_from AND hour_start < v_to);
    IF v_hours <= 24 THEN
      CALL sp_aggregate_span(v_from, v_to, NULL, NULL);
    ELSE
      -- the lock is taken again by each span (it counts), so nobody comes in between groups;
      -- other callers wait for the run to end (up to 10 minutes)
      IF COALESCE(GET_LOCK(v_lock, 600), 0) <> 1 THEN
        SIGNAL SQLSTATE '45004' SET MESSAGE_TEXT = 'sp_aggregate: another aggregation held the lock for 10 minutes; try again';  -- aggregationBusy (src/db/refusals.ts)
      END IF;
      SET v_locked = TRUE;
      SET v_run_end = (SELECT MAX(hour_end) FROM report_hours WHERE hour_start >= v_from AND hour_start < v_to);
      SET v_end = LEAST(v_run_end, COALESCE((SELECT horizon FROM collector_state WHERE id = 1), v_from));
      SET v_group = GREATEST(1, FLOOR(COALESCE(@apr_agent_hours_per_piece, 24000) / v_hours));
      -- the first extension of every group but the first, in the primary key's order
      DROP TEMPORARY TABLE IF EXISTS apr_tmp_bounds;
      CREATE TEMPORARY TABLE apr_tmp_bounds (
        n   INT NOT NULL PRIMARY KEY,
        ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
      ) ENGINE=MEMORY;
      INSERT INTO apr_tmp_bounds (n, ext)
      SELECT ROW_NUMBER() OVER (ORDER BY x.ext), x.ext
      FROM (
        SELECT d.ext, ROW_NUMBER() OVER (ORDER BY d.ext) AS rn
        FROM (SELECT DISTINCT ext FROM agent_events) d
      ) x
      WHERE x.rn > 1 AND (x.rn - 1) MOD v_group = 0;
      SET v_groups = (SELECT COUNT(*) FROM apr_tmp_bounds);
      SET v_i = 0;
      SET v_lo = NULL;
      WHILE v_i <= v_groups DO
        SET v_hi = (SELECT ext FROM apr_tmp_bounds WHERE n = v_i + 1);
        -- the first group starts at no lower bound, the last has no upper bound: every
        -- extension (also one with calls but no events) falls in exactly one group
        CALL sp_aggregate_span(v_from, v_to, v_lo, v_hi);
        SET v_lo = v_hi;
        SET v_i = v_i + 1;
      END WHILE;
      DROP TEMPORARY TABLE IF EXISTS apr_tmp_bounds;
      -- every group wrote the checkpoints of the counted hour starts: they are complete
      IF v_end > v_from THEN
        CALL sp_checkpoint_marks(v_from, IF(v_end = v_run_end, v_end, v_end - 1));
      END IF;
      DO RELEASE_LOCK(v_lock);
      SET v_locked = FALSE;
    END IF;
    SET v_from = (SELECT MIN(hour_start) FROM report_hours WHERE hour_start >= v_to AND hour_start < p_to_ts);
  END WHILE;
END
