-- Stage of sp_aggregate_span: the span's slots and loaded time (rules §3-§4).
--   apr_tmp_slots   every slot of the report hours starting in [p_from, p_to), numbered
--                   from 1, with its loaded seconds (its overlap with loaded stretches)
--   apr_tmp_hours   the same hours, with their loaded seconds
--   apr_tmp_edges   where a loaded stretch ends (a gap starts) or starts inside the span
-- p_stretch_from: the start of the stretch that holds p_from, NULL when p_from is not loaded.
DROP PROCEDURE IF EXISTS _private_span_slots;
CREATE PROCEDURE _private_span_slots(IN p_from BIGINT, IN p_to BIGINT, IN p_end BIGINT, OUT p_stretch_from BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: slots, loaded seconds, stretch edges'
BEGIN
  DROP TEMPORARY TABLE IF EXISTS apr_tmp_stretches, apr_tmp_slots, apr_tmp_hours, apr_tmp_edges;
  -- loaded stretches that touch the span, clipped to what is counted (up to p_end)
  CREATE TEMPORARY TABLE apr_tmp_stretches (
    s_from BIGINT NOT NULL PRIMARY KEY,
    s_to   BIGINT NOT NULL
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_stretches (s_from, s_to)
  SELECT s_from, s_to FROM vw_loaded_stretches WHERE s_to > p_from AND s_from < p_end;
  SET p_stretch_from = (SELECT MIN(s_from) FROM apr_tmp_stretches WHERE s_from <= p_from);

  CREATE TEMPORARY TABLE apr_tmp_slots (
    slot_idx   INT    NOT NULL,
    slot_start BIGINT NOT NULL,
    slot_end   BIGINT NOT NULL,
    hour_start BIGINT NOT NULL,
    counted_s  INT    NOT NULL DEFAULT 0,
    PRIMARY KEY (slot_idx) USING BTREE,  -- (ordered: a piece's whole slots are a range of it)
    UNIQUE KEY ux_slot_start (slot_start)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_slots (slot_idx, slot_start, slot_end, hour_start, counted_s)
  SELECT ROW_NUMBER() OVER (ORDER BY s.slot_start), s.slot_start, s.slot_end, s.hour_start,
    COALESCE(SUM(GREATEST(0, LEAST(s.slot_end, t.s_to, p_end) - GREATEST(s.slot_start, t.s_from))), 0)
  FROM report_slots s
  LEFT JOIN apr_tmp_stretches t ON t.s_from < s.slot_end AND t.s_to > s.slot_start
  WHERE s.hour_start >= p_from AND s.hour_start < p_to
  GROUP BY s.slot_start, s.slot_end, s.hour_start;
  IF (SELECT COUNT(*) FROM apr_tmp_slots) > 4094 THEN
    SIGNAL SQLSTATE '45005' SET MESSAGE_TEXT = 'sp_aggregate_span: at most 4094 slots (1,023 hours) at a time';  -- spanTooLong (src/db/refusals.ts)
  END IF;

  CREATE TEMPORARY TABLE apr_tmp_hours (
    hour_start  BIGINT   NOT NULL PRIMARY KEY,
    hour_end    BIGINT   NOT NULL,
    local_start DATETIME NOT NULL,
    local_end   DATETIME NOT NULL,
    counted_s   INT      NOT NULL
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_hours (hour_start, hour_end, local_start, local_end, counted_s)
  SELECT h.hour_start, h.hour_end, h.local_start, h.local_end, COALESCE(c.counted_s, 0)
  FROM report_hours h
  LEFT JOIN (SELECT hour_start, SUM(counted_s) AS counted_s FROM apr_tmp_slots GROUP BY hour_start) c
    ON c.hour_start = h.hour_start
  WHERE h.hour_start >= p_from AND h.hour_start < p_to;

  -- rules §3 stretches: a stretch's state starts with every flag off, and nothing is
  -- counted from its end to the next start (is_end 1: a gap starts; 0: a stretch starts).
  CREATE TEMPORARY TABLE apr_tmp_edges (
    at_ts  BIGINT  NOT NULL,
    is_end TINYINT NOT NULL,
    PRIMARY KEY (at_ts, is_end)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_edges (at_ts, is_end)
  SELECT s_from, 0 FROM apr_tmp_stretches WHERE s_from > p_from AND s_from < p_end;
  INSERT INTO apr_tmp_edges (at_ts, is_end)
  SELECT s_to, 1 FROM apr_tmp_stretches WHERE s_to > p_from AND s_to < p_end;
END
