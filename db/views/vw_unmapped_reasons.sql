-- Data quality: not-available reasons no break_reason_map rule matches, so their seconds
-- fell to Other NPT (rules §3), with the seconds and where they were seen, so an operator
-- knows what to map. One row per normalised reason (what a rule's pattern is compared
-- with); `example` is one spelling as sent. After adding a rule, the reason leaves this
-- view at once; re-aggregate (sp_aggregate_range) to move its seconds in the report.
-- Reads the aggregated hours (agent_reason_activity), in reason order from
-- ix_agent_reason_activity_reason alone.
CREATE OR REPLACE VIEW vw_unmapped_reasons AS
SELECT fn_normalize_reason(x.reason) AS normalized_reason,
  MIN(x.reason) AS example,
  SUM(x.seconds) AS other_npt_s,
  SUM(x.agent_hours) AS agent_hours,
  MIN(x.first_hour) AS first_hour_start,
  MAX(x.last_hour) AS last_hour_start
FROM (
  SELECT CONVERT(reason USING utf8mb4) AS reason, SUM(reason_s) AS seconds, COUNT(*) AS agent_hours,
    MIN(hour_start) AS first_hour, MAX(hour_start) AS last_hour
  FROM agent_reason_activity
  GROUP BY reason
) x
WHERE fn_break_rule_id(x.reason) IS NULL
GROUP BY fn_normalize_reason(x.reason);
