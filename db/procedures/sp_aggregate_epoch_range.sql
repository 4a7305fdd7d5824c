-- Recomputes agent_activity and agent_slot_activity for every report hour that overlaps [p_from_ts, p_to_ts)
-- (UTC epoch seconds), every agent: what a loader calls after loading that window, e.g.
--   CALL sp_aggregate_epoch_range(1757217600, 1757228400);
-- Done in set-based pieces of about a day of work each, one transaction per piece
-- (sp_aggregate_between, sp_aggregate_span).
DROP PROCEDURE IF EXISTS sp_aggregate_epoch_range;
CREATE PROCEDURE sp_aggregate_epoch_range(IN p_from_ts BIGINT, IN p_to_ts BIGINT)
  MODIFIES SQL DATA
  COMMENT 'recompute agent_activity for report hours overlapping [p_from_ts, p_to_ts)'
BEGIN
  DECLARE v_from BIGINT;
  DECLARE v_to BIGINT;
  IF p_from_ts IS NULL OR p_to_ts IS NULL OR p_to_ts < p_from_ts THEN
    SIGNAL SQLSTATE '45001' SET MESSAGE_TEXT = 'sp_aggregate_epoch_range: give p_from_ts <= p_to_ts, UTC epoch seconds';  -- badRange (src/db/refusals.ts)
  END IF;
  IF p_to_ts > p_from_ts AND (NOT EXISTS (SELECT 1 FROM report_hours WHERE hour_start <= p_from_ts)
     OR NOT EXISTS (SELECT 1 FROM report_hours WHERE hour_end >= p_to_ts)) THEN
    SIGNAL SQLSTATE '45002' SET MESSAGE_TEXT = 'sp_aggregate_epoch_range: the range reaches outside the report calendar (report_hours); extend it first (calendar.ts ensureCalendar)';  -- outsideCalendar (src/db/refusals.ts)
  END IF;
  -- (the last bound is implied, hours not overlapping: it keeps the search to the range's
  -- own hours instead of the calendar up to them)
  SELECT MIN(hour_start), MAX(hour_end) INTO v_from, v_to
  FROM report_hours WHERE hour_end > p_from_ts AND hour_start < p_to_ts
    AND hour_start >= (SELECT COALESCE(MAX(hour_start), p_from_ts) FROM report_hours WHERE hour_start <= p_from_ts);
  IF v_from IS NOT NULL THEN
    CALL sp_aggregate_between(v_from, v_to);
  END IF;
END
