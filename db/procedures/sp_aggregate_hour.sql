-- Recomputes agent_activity and agent_slot_activity for one report hour (its four 15-minute
-- slots), every agent, in one transaction (rules §3-§4). p_hour is the hour's local start
-- in REPORT_TZ as the report shows it:
--   CALL sp_aggregate_hour('2025-09-07 09:00:00');
-- On a DST fall-back day both occurrences of that wall-clock hour are computed; an hour
-- that does not exist (spring forward) has nothing to compute. Running it twice changes
-- nothing. The work is done by sp_aggregate_span.
DROP PROCEDURE IF EXISTS sp_aggregate_hour;
CREATE PROCEDURE sp_aggregate_hour(IN p_hour DATETIME)
  MODIFIES SQL DATA
  COMMENT 'recompute agent_activity for the report hour(s) with this local start'
BEGIN
  DECLARE v_from BIGINT;
  DECLARE v_to BIGINT;
  IF p_hour IS NULL OR MINUTE(p_hour) <> 0 OR SECOND(p_hour) <> 0 THEN
    SIGNAL SQLSTATE '45001' SET MESSAGE_TEXT = 'sp_aggregate_hour: p_hour must be a whole local hour, e.g. ''2025-09-07 09:00:00''';  -- badRange (src/db/refusals.ts)
  END IF;
  IF NOT EXISTS (SELECT 1 FROM report_hours WHERE local_start <= p_hour)
     OR NOT EXISTS (SELECT 1 FROM report_hours WHERE local_start >= p_hour) THEN
    SIGNAL SQLSTATE '45002' SET MESSAGE_TEXT = 'sp_aggregate_hour: p_hour is outside the report calendar (report_hours); run npm run migrate';  -- outsideCalendar (src/db/refusals.ts)
  END IF;
  -- Two rows on a fall-back day; they are consecutive, so one span covers both.
  SELECT MIN(hour_start), MAX(hour_end) INTO v_from, v_to FROM report_hours WHERE local_start = p_hour;
  IF v_from IS NOT NULL THEN
    CALL sp_aggregate_span(v_from, v_to, NULL, NULL);
  END IF;
END
