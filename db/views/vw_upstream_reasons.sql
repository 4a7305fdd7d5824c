-- The upstream's own seconds per not-available reason, per agent and report hour: the
-- members of users_calls.not_available_detailed_report as rows (reason as bytes, like
-- agent_reason_activity.reason). Helper of vw_reconciliation.
CREATE OR REPLACE VIEW vw_upstream_reasons AS
SELECT c.hour_start, c.ext,
  CAST(k.reason AS BINARY) AS reason,
  CAST(ROUND(CAST(JSON_EXTRACT(c.not_available_detailed_report,
    CONCAT('$."', REPLACE(REPLACE(k.reason, '\\', '\\\\'), '"', '\\"'), '"')) AS DECIMAL(20, 3))) AS SIGNED) AS reason_s
FROM users_calls c,
  JSON_TABLE(JSON_KEYS(c.not_available_detailed_report), '$[*]'
    COLUMNS (reason VARCHAR(1020) CHARACTER SET utf8mb4 PATH '$')) k
WHERE JSON_TYPE(c.not_available_detailed_report) = 'OBJECT';
