-- Data quality: per agent and report hour, the seconds derived from the events
-- (agent_activity, agent_reason_activity) next to the upstream's own stats (users_calls,
-- fetched per 15-minute slot and summed per hour here), with the difference (derived -
-- upstream; NULL when one side is missing):
--   idle_time    = Idle           wrap_up_time = Wrap Up       hold_time = Hold
--   on_call_time = Talk + Hold (the upstream counts hold as on call)
--   not_available_detailed_report, one row per reason as sent.
-- counted_s is how much of the hour is loaded, upstream_window_s how far the stats reach
-- into it (the last slot's fetched_to - hour_start); compare only when they match.
CREATE OR REPLACE VIEW vw_reconciliation AS
SELECT k.hour_start, h.local_start, k.ext, f.field, CAST(NULL AS CHAR(255)) AS reason,
  CASE f.field
    WHEN 'idle_time' THEN COALESCE(a.idle_s, 0)
    WHEN 'wrap_up_time' THEN COALESCE(a.wrap_s, 0)
    WHEN 'hold_time' THEN COALESCE(a.hold_s, 0)
    ELSE COALESCE(a.talk_s + a.hold_s, 0)
  END AS derived_s,
  CASE f.field
    WHEN 'idle_time' THEN c.idle_time
    WHEN 'wrap_up_time' THEN c.wrap_up_time
    WHEN 'hold_time' THEN c.hold_time
    ELSE c.on_call_time
  END AS upstream_s,
  CASE f.field
    WHEN 'idle_time' THEN COALESCE(a.idle_s, 0) - c.idle_time
    WHEN 'wrap_up_time' THEN COALESCE(a.wrap_s, 0) - c.wrap_up_time
    WHEN 'hold_time' THEN COALESCE(a.hold_s, 0) - c.hold_time
    ELSE COALESCE(a.talk_s + a.hold_s, 0) - c.on_call_time
  END AS diff_s,
  a.counted_s,
  c.fetched_to - c.hour_start AS upstream_window_s
FROM (SELECT hour_start, ext FROM agent_activity UNION SELECT hour_start, ext FROM users_calls) k
CROSS JOIN (SELECT 'idle_time' AS field UNION ALL SELECT 'wrap_up_time' UNION ALL SELECT 'hold_time'
            UNION ALL SELECT 'on_call_time') f
LEFT JOIN report_hours h ON h.hour_start = k.hour_start
LEFT JOIN agent_activity a ON a.hour_start = k.hour_start AND a.ext = k.ext
LEFT JOIN (SELECT hour_start, ext, SUM(idle_time) AS idle_time, SUM(wrap_up_time) AS wrap_up_time,
             SUM(hold_time) AS hold_time, SUM(on_call_time) AS on_call_time, MAX(fetched_to) AS fetched_to
           FROM users_calls GROUP BY hour_start, ext) c ON c.hour_start = k.hour_start AND c.ext = k.ext
UNION ALL
SELECT k.hour_start, h.local_start, k.ext, 'not_available_detailed_report',
  CONVERT(k.reason USING utf8mb4),
  COALESCE(r.reason_s, 0),
  CASE WHEN c.ext IS NOT NULL THEN COALESCE(u.reason_s, 0) END,
  CASE WHEN c.ext IS NOT NULL THEN COALESCE(r.reason_s, 0) - COALESCE(u.reason_s, 0) END,
  a.counted_s,
  c.fetched_to - c.hour_start
FROM (SELECT hour_start, ext, reason FROM agent_reason_activity
      UNION SELECT hour_start, ext, reason FROM vw_upstream_reasons) k
LEFT JOIN report_hours h ON h.hour_start = k.hour_start
LEFT JOIN agent_reason_activity r ON r.hour_start = k.hour_start AND r.ext = k.ext AND r.reason = k.reason
LEFT JOIN (SELECT hour_start, ext, reason, SUM(reason_s) AS reason_s FROM vw_upstream_reasons GROUP BY hour_start, ext, reason) u
  ON u.hour_start = k.hour_start AND u.ext = k.ext AND u.reason = k.reason
LEFT JOIN agent_activity a ON a.hour_start = k.hour_start AND a.ext = k.ext
LEFT JOIN (SELECT hour_start, ext, MAX(fetched_to) AS fetched_to FROM users_calls GROUP BY hour_start, ext) c
  ON c.hour_start = k.hour_start AND c.ext = k.ext;
