-- Internal: recomputes every report hour whose UTC start lies in [p_from_ts, p_to_ts),
-- a day at a time (sp_aggregate_span; each day is one transaction, so a long backfill
-- neither holds locks for long nor lets the collector wait behind it for minutes).
-- A day is about as large as the temporary tables can stay in memory for a 1,000-agent
-- centre; each span is set-based over all agents and events of its hours.
DROP PROCEDURE IF EXISTS sp_aggregate_between;
CREATE PROCEDURE sp_aggregate_between(IN p_from_ts BIGINT, IN p_to_ts BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal: recompute agent_activity for report hours starting in [p_from_ts, p_to_ts)'
BEGIN
  DECLARE v_from BIGINT;
  DECLARE v_to BIGINT;
  SET v_from = (SELECT MIN(hour_start) FROM report_hours WHERE hour_start >= p_from_ts AND hour_start < p_to_ts);
  WHILE v_from IS NOT NULL DO
    -- the span ends at the start of the 25th hour from v_from, or at the range's end
    SET v_to = COALESCE((SELECT hour_start FROM report_hours
                         WHERE hour_start > v_from AND hour_start < p_to_ts
                         ORDER BY hour_start LIMIT 1 OFFSET 23), p_to_ts);
    CALL sp_aggregate_span(v_from, v_to);
    SET v_from = (SELECT MIN(hour_start) FROM report_hours WHERE hour_start >= v_to AND hour_start < p_to_ts);
  END WHILE;
END
