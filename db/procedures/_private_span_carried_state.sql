-- Stage of sp_aggregate_span: apr_tmp_carried, the state carried into the span (rules §3):
-- every flag on just before p_from, and the not-available-on event in force (its state is
-- the reason), counted from the start of p_from's loaded stretch with no look-back limit
-- inside it. Nothing is carried when p_from is not loaded, nor across a gap. Where the
-- stretch began before the retention cut (fn_raw_cut), the events before the cut are gone
-- and the checkpoint at the cut stands in for them.
DROP PROCEDURE IF EXISTS _private_span_carried_state;
CREATE PROCEDURE _private_span_carried_state(IN p_from BIGINT, IN p_end BIGINT, IN p_stretch_from BIGINT,
                                             IN p_lo VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
                                             IN p_hi VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: the state carried in'
BEGIN
  DECLARE c_flag_idle    TINYINT DEFAULT 1;
  DECLARE c_flag_on_call TINYINT DEFAULT 2;
  DECLARE c_flag_hold    TINYINT DEFAULT 3;
  DECLARE c_flag_wrap_up TINYINT DEFAULT 4;
  DECLARE c_flag_na      TINYINT DEFAULT 5;
  DECLARE v_cut BIGINT DEFAULT fn_raw_cut();
  DECLARE v_since BIGINT DEFAULT GREATEST(p_stretch_from, v_cut);

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_last, apr_tmp_carried;
  CREATE TEMPORARY TABLE apr_tmp_last (
    ext   VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    event VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    ts    BIGINT NOT NULL,
    PRIMARY KEY (ext, event)
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_carried (
    ext  VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    flag TINYINT NOT NULL,   -- c_flag_* (legend in sp_aggregate_span.sql)
    ts   BIGINT NOT NULL,
    seq  INT NOT NULL,
    PRIMARY KEY (ext, flag)
  ) ENGINE=MEMORY;
  IF p_end > p_from AND p_stretch_from IS NOT NULL AND p_stretch_from < p_from THEN
    -- A checkpoint at p_from holds the state when it is marked complete and the latest event
    -- before p_from is still the one it was written after (a filled gap drops the marks).
    IF fn_mark_holds(p_from) THEN
      INSERT INTO apr_tmp_carried (ext, flag, ts, seq)
      SELECT k.ext, f.flag, COALESCE(k.na_ts, 0), COALESCE(k.na_seq, 0)
      FROM agent_state_checkpoints k
      JOIN (SELECT c_flag_idle AS flag UNION ALL SELECT c_flag_on_call UNION ALL SELECT c_flag_hold
            UNION ALL SELECT c_flag_wrap_up UNION ALL SELECT c_flag_na) f
        ON (f.flag < c_flag_na AND k.flags & (1 << (f.flag - 1))) OR (f.flag = c_flag_na AND k.na_ts IS NOT NULL)
      WHERE k.at_ts = p_from AND k.ext >= p_lo AND k.ext < p_hi;
    ELSE
      -- MAX(ts) per (ext, event) in [stretch start, p_from) is a loose index scan of
      -- ix_agent_events_flag; the agent's latest event alone would miss flags set earlier.
      -- Within that second the last event in feed order (highest seq) holds the value.
      INSERT INTO apr_tmp_last (ext, event, ts)
      SELECT ext, event, MAX(ts)
      FROM agent_events
      WHERE ext >= p_lo AND ext < p_hi
        AND event IN ('agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state')
        AND ts >= v_since AND ts < p_from
      GROUP BY ext, event;
      INSERT INTO apr_tmp_carried (ext, flag, ts, seq)
      SELECT x.ext, x.flag, x.ts, x.seq
      FROM (
        SELECT e.ext,
          CASE e.event WHEN 'agent_idle' THEN c_flag_idle WHEN 'agent_on_call' THEN c_flag_on_call
                       WHEN 'agent_hold' THEN c_flag_hold WHEN 'agent_wrap_up' THEN c_flag_wrap_up ELSE c_flag_na END AS flag,
          e.ts, e.seq, e.enabled,
          ROW_NUMBER() OVER (PARTITION BY e.ext, e.event ORDER BY e.seq DESC) AS rn
        FROM apr_tmp_last l
        JOIN agent_events e ON e.ext = l.ext AND e.event = l.event AND e.ts = l.ts
        -- (constant bounds: only those days' partitions are probed)
        WHERE e.ts >= v_since AND e.ts < p_from
      ) x
      WHERE x.rn = 1 AND x.enabled = 1;
      -- flags on at the cut that no event since has set again
      IF p_stretch_from < v_cut THEN
        INSERT INTO apr_tmp_carried (ext, flag, ts, seq)
        SELECT k.ext, f.flag, COALESCE(k.na_ts, 0), COALESCE(k.na_seq, 0)
        FROM agent_state_checkpoints k
        JOIN (SELECT c_flag_idle AS flag, _utf8mb4'agent_idle' COLLATE utf8mb4_bin AS event UNION ALL SELECT c_flag_on_call, 'agent_on_call'
              UNION ALL SELECT c_flag_hold, 'agent_hold' UNION ALL SELECT c_flag_wrap_up, 'agent_wrap_up'
              UNION ALL SELECT c_flag_na, 'agent_not_avail_state') f
          ON (f.flag < c_flag_na AND k.flags & (1 << (f.flag - 1))) OR (f.flag = c_flag_na AND k.na_ts IS NOT NULL)
        LEFT JOIN apr_tmp_last l ON l.ext = k.ext AND l.event = f.event
        WHERE k.at_ts = v_cut AND k.ext >= p_lo AND k.ext < p_hi AND l.ext IS NULL;
      END IF;
    END IF;
  END IF;
END
