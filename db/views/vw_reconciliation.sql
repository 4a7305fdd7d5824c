-- Data quality: per agent and report hour, the seconds derived from the events
-- (agent_activity, agent_reason_activity) next to the upstream's own stats (users_calls,
-- fetched per 15-minute slot and summed per hour here), with the difference (derived -
-- upstream; NULL when one side is missing):
--   idle_time    = Idle           wrap_up_time = Wrap Up       hold_time = Hold
--   on_call_time = Talk + Hold (the upstream counts hold as on call)
--   not_available_detailed_report, one row per reason as sent.
-- counted_s is how much of the hour is loaded, upstream_window_s how far the stats reach
-- into it (the last slot's fetched_to - hour_start); compare only when they match.
-- Each side is read once, as rows of one UNION ALL grouped per agent hour (per reason for
-- the reasons), not joined to a grouped copy of the other: a filter on hour_start (the
-- status page's last 24 h) then reaches every table as an index range, where a join to
-- a grouped derived table read all of users_calls, or regrouped it once per agent hour.
CREATE OR REPLACE VIEW vw_reconciliation AS
SELECT x.hour_start, h.local_start, x.ext, f.field, CAST(NULL AS CHAR(255)) AS reason,
  CASE f.field
    WHEN 'idle_time' THEN COALESCE(x.idle_s, 0)
    WHEN 'wrap_up_time' THEN COALESCE(x.wrap_s, 0)
    WHEN 'hold_time' THEN COALESCE(x.hold_s, 0)
    ELSE COALESCE(x.talk_s + x.hold_s, 0)
  END AS derived_s,
  CASE f.field
    WHEN 'idle_time' THEN x.idle_time
    WHEN 'wrap_up_time' THEN x.wrap_up_time
    WHEN 'hold_time' THEN x.hold_time
    ELSE x.on_call_time
  END AS upstream_s,
  CASE f.field
    WHEN 'idle_time' THEN COALESCE(x.idle_s, 0) - x.idle_time
    WHEN 'wrap_up_time' THEN COALESCE(x.wrap_s, 0) - x.wrap_up_time
    WHEN 'hold_time' THEN COALESCE(x.hold_s, 0) - x.hold_time
    ELSE COALESCE(x.talk_s + x.hold_s, 0) - x.on_call_time
  END AS diff_s,
  x.counted_s,
  x.fetched_to - x.hour_start AS upstream_window_s
FROM (SELECT hour_start, ext, MAX(idle_s) AS idle_s, MAX(wrap_s) AS wrap_s, MAX(hold_s) AS hold_s,
        MAX(talk_s) AS talk_s, MAX(counted_s) AS counted_s,
        SUM(idle_time) AS idle_time, SUM(wrap_up_time) AS wrap_up_time, SUM(hold_time) AS hold_time,
        SUM(on_call_time) AS on_call_time, MAX(fetched_to) AS fetched_to
      FROM (SELECT hour_start, ext, idle_s, wrap_s, hold_s, talk_s, counted_s, NULL AS idle_time,
              NULL AS wrap_up_time, NULL AS hold_time, NULL AS on_call_time, NULL AS fetched_to
            FROM agent_activity
            UNION ALL
            SELECT hour_start, ext, NULL, NULL, NULL, NULL, NULL, idle_time, wrap_up_time, hold_time,
              on_call_time, fetched_to
            FROM users_calls) s
      GROUP BY hour_start, ext) x
CROSS JOIN (SELECT 'idle_time' AS field UNION ALL SELECT 'wrap_up_time' UNION ALL SELECT 'hold_time'
            UNION ALL SELECT 'on_call_time') f
LEFT JOIN report_hours h ON h.hour_start = x.hour_start
UNION ALL
SELECT y.hour_start, h.local_start, y.ext, 'not_available_detailed_report',
  CONVERT(y.reason USING utf8mb4),
  COALESCE(y.derived_s, 0),
  CASE WHEN y.fetched_to IS NOT NULL THEN COALESCE(y.upstream_s, 0) END,
  CASE WHEN y.fetched_to IS NOT NULL THEN COALESCE(y.derived_s, 0) - COALESCE(y.upstream_s, 0) END,
  a.counted_s,
  y.fetched_to - y.hour_start
FROM (SELECT g.hour_start, g.ext, g.reason, g.derived_s, g.upstream_s,
        (SELECT MAX(c.fetched_to) FROM users_calls c WHERE c.hour_start = g.hour_start AND c.ext = g.ext) AS fetched_to
      FROM (SELECT hour_start, ext, reason, MAX(derived_s) AS derived_s, SUM(upstream_s) AS upstream_s
            FROM (SELECT hour_start, ext, reason, reason_s AS derived_s, NULL AS upstream_s FROM agent_reason_activity
                  UNION ALL
                  SELECT hour_start, ext, reason, NULL, reason_s FROM vw_upstream_reasons) s
            GROUP BY hour_start, ext, reason) g) y
LEFT JOIN report_hours h ON h.hour_start = y.hour_start
LEFT JOIN agent_activity a ON a.hour_start = y.hour_start AND a.ext = y.ext;
