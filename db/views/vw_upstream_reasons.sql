-- The upstream's own seconds per not-available reason, per agent and 15-minute slot (with
-- the slot's report hour): the members of users_calls.not_available_detailed_report as
-- rows (reason as bytes, like agent_reason_activity.reason). Helper of vw_reconciliation;
-- an hour's figure is the sum of its slots' rows.
-- The path is `$."<key>"` with the key written as a JSON string by JSON_QUOTE, so a
-- reason holding a tab, a newline, a quote, a backslash or a dot is one member name on
-- both engines (a raw control character makes MySQL refuse the path and MariaDB return
-- NULL, which would drop that reason's seconds).
-- MariaDB's JSON_KEYS leaves out an empty key (a reason sent as ""), MySQL's lists it:
-- it is appended where it is present and missing from the list.
CREATE OR REPLACE VIEW vw_upstream_reasons AS
SELECT c.slot_start, c.hour_start, c.ext,
  CAST(k.reason AS BINARY) AS reason,
  CAST(ROUND(CAST(JSON_EXTRACT(c.not_available_detailed_report,
    CONCAT('$.', JSON_QUOTE(k.reason))) AS DECIMAL(20, 3))) AS SIGNED) AS reason_s
FROM users_calls c,
  JSON_TABLE(
    IF(JSON_CONTAINS_PATH(c.not_available_detailed_report, 'one', '$.""')
         AND NOT JSON_CONTAINS(JSON_KEYS(c.not_available_detailed_report), '""'),
       JSON_ARRAY_APPEND(JSON_KEYS(c.not_available_detailed_report), '$', ''),
       JSON_KEYS(c.not_available_detailed_report)),
    '$[*]' COLUMNS (reason VARCHAR(1020) CHARACTER SET utf8mb4 PATH '$')) k
WHERE JSON_TYPE(c.not_available_detailed_report) = 'OBJECT';
