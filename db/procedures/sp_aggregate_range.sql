-- Recomputes agent_activity and agent_slot_activity for every report hour whose local start (REPORT_TZ) lies in
-- [p_from, p_to), every agent (rules §3-§4). The collector and backfill call it (or its
-- epoch twin sp_aggregate_epoch_range); an operator runs it after editing
-- break_reason_map, e.g. for all of September:
--   CALL sp_aggregate_range('2025-09-01 00:00:00', '2025-10-01 00:00:00');
-- Done in set-based pieces of about a day of work each, one transaction per piece
-- (sp_aggregate_between, sp_aggregate_span).
DROP PROCEDURE IF EXISTS sp_aggregate_range;
CREATE PROCEDURE sp_aggregate_range(IN p_from DATETIME, IN p_to DATETIME)
  MODIFIES SQL DATA
  COMMENT 'recompute agent_activity for report hours with local start in [p_from, p_to)'
BEGIN
  DECLARE v_from BIGINT;
  DECLARE v_to BIGINT;
  IF p_from IS NULL OR p_to IS NULL OR p_to < p_from THEN
    SIGNAL SQLSTATE '45001' SET MESSAGE_TEXT = 'sp_aggregate_range: give p_from <= p_to, local DATETIMEs of REPORT_TZ';  -- badRange (src/db/refusals.ts)
  END IF;
  IF NOT EXISTS (SELECT 1 FROM report_hours WHERE local_start <= p_from)
     OR NOT EXISTS (SELECT 1 FROM report_hours WHERE local_end >= p_to) THEN
    SIGNAL SQLSTATE '45002' SET MESSAGE_TEXT = 'sp_aggregate_range: the range reaches outside the report calendar (report_hours); run npm run migrate';  -- outsideCalendar (src/db/refusals.ts)
  END IF;
  -- Local starts only repeat at a fall-back, where the repeated hours are consecutive: the
  -- hours of a local range are one run of UTC hours.
  SELECT MIN(hour_start), MAX(hour_end) INTO v_from, v_to
  FROM report_hours WHERE local_start >= p_from AND local_start < p_to;
  IF v_from IS NOT NULL THEN
    CALL sp_aggregate_between(v_from, v_to);
  END IF;
END
